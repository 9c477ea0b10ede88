import { getCollection, type CollectionEntry } from 'astro:content';

/** One chapter of the book, as the content collection gives it. */
export type Chapter = CollectionEntry<'chapters'>;

/**
 * Every chapter in reading order (by frontmatter `order`).
 * Throws when two chapters claim the same `order`, since previous/next links
 * would then depend on file-system order.
 */
export async function getChapters(): Promise<Chapter[]> {
  const chapters = await getCollection('chapters');
  chapters.sort((a, b) => a.data.order - b.data.order);
  for (let i = 1; i < chapters.length; i++) {
    if (chapters[i].data.order === chapters[i - 1].data.order) {
      throw new Error(
        `chapters "${chapters[i - 1].id}" and "${chapters[i].id}" both have order ${chapters[i].data.order}`,
      );
    }
  }
  return chapters;
}

/**
 * An absolute URL path under the site's base: `withBase('search/')` is
 * `/search/` for a root build and `/circuits/search/` for `SITE_BASE=/circuits/`.
 * Every internal link goes through this, so a sub-path build keeps working.
 */
export function withBase(path = ''): string {
  return import.meta.env.BASE_URL + path.replace(/^\/+/, '');
}

/** The URL path of a chapter's page, under the base. */
export function chapterHref(chapter: Chapter): string {
  return withBase(`chapters/${chapter.id}/`);
}
