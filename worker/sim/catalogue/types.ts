/** One published file the playground serves in place of the internet. */
export interface CatalogueFile {
  /** The address it is published at (the canonical one; aliases are in index.ts). */
  url: string;
  /** Where its bytes come from: repository and path. */
  source: string;
  /** The tag or commit the bytes were taken from. */
  version: string;
  text: string;
}

/** One file of a Helm chart the catalogue holds, by its path inside the chart. */
export interface ChartFile {
  name: string;
  text: string;
}
