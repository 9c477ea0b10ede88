/**
 * What the chapter 5–6 figures share beyond the kit: the runtime module
 * (imported on demand) and the models folder URL.
 */

/** The runtime module, imported on demand so ORT stays out of first-load JavaScript. */
export function runtime(): Promise<typeof import('./runtime-api')> {
  return import('./runtime-api');
}

/** The models folder URL under the site's base. */
export function modelsUrl(): string {
  return `${import.meta.env.BASE_URL}models/`;
}
