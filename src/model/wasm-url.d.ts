// Vite's `?url` imports resolve to the emitted asset's URL under the site's base.
declare module '*.wasm?url' {
  const url: string;
  export default url;
}
