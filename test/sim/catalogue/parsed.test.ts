// The catalogue's big files are parsed at build time (scripts/catalogue-parse-generate.ts): what
// parsed.ts holds must be what kubectl's manifest reader makes of the published bytes now.
import { describe, expect, it } from "vitest";
import { catalogue, preParsedManifests } from "../../../worker/sim/catalogue/index.ts";
import { bigCatalogueFiles, parsedJson } from "../../../worker/sim/catalogue/parse.ts";
import { parsed } from "../../../worker/sim/catalogue/parsed.ts";
import { parseCatalogued } from "../../../worker/sim/kubectl/manifest.ts";

describe("the catalogue's build-time parses", () => {
  const big = bigCatalogueFiles(catalogue);

  it("cover exactly the big files (the Gateway API's standard-install.yaml, NGF's crds.yaml)", () => {
    expect(Object.keys(parsed).sort()).toEqual(big.map((f) => f.url).sort());
    expect(big.map((f) => f.url)).toContain("https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml");
    expect(big.map((f) => f.url)).toContain("https://raw.githubusercontent.com/nginx/nginx-gateway-fabric/v2.6.7/deploy/crds.yaml");
  });

  it("equal parsing the published text (re-run the generator when they do not)", () => {
    for (const file of big) expect(parsed[file.url], file.url).toBe(parsedJson(file));
  });

  it("are what an apply of the URL reads, found by the file's text", () => {
    for (const file of big) {
      expect(preParsedManifests(file.text)).toBe(parsed[file.url]);
      expect(parseCatalogued(file.text, file.url)).toEqual(JSON.parse(parsed[file.url]));
    }
    expect(preParsedManifests("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n")).toBeUndefined();
  });
});
