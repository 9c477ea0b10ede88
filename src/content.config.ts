import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';

/**
 * The book's chapters: one MDX file each, `src/content/chapters/NN-slug.mdx`.
 * The entry id is the file name without `.mdx`, and the page is
 * `chapters/NN-slug/`, so chapters can link to each other with relative
 * links such as `../06-induction-heads/`. Reading order comes from `order`.
 */
const chapters = defineCollection({
  loader: glob({
    pattern: '*.mdx',
    base: './src/content/chapters',
  }),
  schema: z.object({
    /** The chapter's title, shown as its heading and in the contents. */
    title: z.string().min(1),
    /** Position in the book, 1-based; previous/next links follow it. */
    order: z.number().int().positive(),
    /** One or two sentences for the home page and search results. */
    summary: z.string().min(1),
  }),
});

export const collections = { chapters };
