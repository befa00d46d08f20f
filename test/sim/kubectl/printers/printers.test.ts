import { describe, expect, it } from "vitest";
import type { Endpoints, Service } from "../../../../worker/sim/cluster/types.ts";
import { humanDuration } from "../../../../worker/sim/kubectl/printers/duration.ts";
import { formatEndpoints, portString } from "../../../../worker/sim/kubectl/printers/tables.ts";
import { describeWriter, tableWriter, tabwrite } from "../../../../worker/sim/kubectl/printers/tabwriter.ts";
import { toJson, toYaml, yamlScalar } from "../../../../worker/sim/kubectl/printers/serialize.ts";
import { runJsonPath } from "../../../../worker/sim/kubectl/printers/jsonpath.ts";

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe("humanDuration (apimachinery duration_test.go vectors)", () => {
  it.each([
    [1 * s, "1s"], [70 * s, "70s"], [190 * s, "3m10s"], [70 * m, "70m"], [47 * h, "47h"], [49 * h, "2d1h"],
    [8 * d + 2 * h, "8d"], [367 * d, "367d"], [2 * y + 25 * h, "2y1d"], [8 * y + 2 * h, "8y"],
    [-2 * s, "<invalid>"], [-2 * s + 1, "0s"], [0, "0s"], [999, "0s"], [2 * m - 1, "119s"], [2 * m, "2m"],
    [2 * m + 1 * s, "2m1s"], [10 * m - 1, "9m59s"], [10 * m, "10m"], [10 * m + 1 * s, "10m"], [3 * h - 1, "179m"],
    [3 * h, "3h"], [3 * h + 1 * m, "3h1m"], [8 * h - 1, "7h59m"], [8 * h, "8h"], [8 * h + 59 * m, "8h"],
    [48 * h - 1, "47h"], [48 * h, "2d"], [8 * d - 1, "7d23h"], [8 * d, "8d"], [8 * d + 23 * h, "8d"],
    [730 * d - 1, "729d"], [730 * d, "2y"], [730 * d + 23 * h + 59 * m, "2y"], [731 * d, "2y1d"],
    [3 * y, "3y"], [7 * y, "7y"], [8 * y - 1, "7y364d"], [8 * y, "8y"], [8 * y + 364 * d, "8y"], [9 * y, "9y"],
  ])("%d ms prints as %s", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe("tabwrite", () => {
  it("pads each column to its widest cell plus 3, at least 6, and leaves the last column alone", () => {
    const text = "NAME\tREADY\tSTATUS\tRESTARTS\tAGE\nfoo\t0/0\t\t0\t<unknown>\n";
    expect(tabwrite(text, tableWriter)).toBe("NAME   READY   STATUS   RESTARTS   AGE\nfoo    0/0              0          <unknown>\n");
  });

  it("ends a column block at a line without tabs, as describe's sections rely on", () => {
    const text = "Name:\tx\nLonger Label:\ty\nSection:\n  a:\t1\n";
    expect(tabwrite(text, describeWriter)).toBe("Name:          x\nLonger Label:  y\nSection:\n  a:  1\n");
  });

  it("counts width in runes: a character outside the BMP is one column, so is a lone surrogate", () => {
    expect(tabwrite("A\tB\n\u{1F600}x\ty\n", describeWriter)).toBe("A   B\n\u{1F600}x  y\n");
    expect(tabwrite("A\tB\n\uD83Dx\ty\n\uDE00\uD83D\tz\n", describeWriter)).toBe("A   B\n\uD83Dx  y\n\uDE00\uD83D  z\n");
  });
});

const service = (ports: Service["spec"]["ports"]): Service =>
  ({ spec: { type: "NodePort", ports, sessionAffinity: "None" } }) as unknown as Service;

describe("PORT(S) and ENDPOINTS cells", () => {
  it.each([
    [[], "<none>"],
    [[{ port: 80, protocol: "TCP", targetPort: 80 }], "80/TCP"],
    [[{ port: 8080, protocol: "TCP", targetPort: 80, nodePort: 31234 }], "8080:31234/TCP"],
    [[{ port: 53, protocol: "UDP", targetPort: 53 }, { port: 53, protocol: "TCP", targetPort: 53 }], "53/UDP,53/TCP"],
  ] as const)("ports %j print as %s", (ports, text) => {
    expect(portString(service(ports as unknown as Service["spec"]["ports"]))).toBe(text);
  });

  const address = (ip: string) => ({ ip, targetRef: { kind: "Pod" as const, name: ip, namespace: "d", uid: ip } });
  it.each([
    [undefined, "<none>"],
    [[{ notReadyAddresses: [address("10.0.0.1")], ports: [{ port: 80, protocol: "TCP" }] }], ""],
    [[{ addresses: [address("10.0.0.1"), address("10.0.0.2")], ports: [{ port: 80, protocol: "TCP" }] }], "10.0.0.1:80,10.0.0.2:80"],
    [
      [{ addresses: ["1", "2", "3", "4"].map((n) => address(`10.0.0.${n}`)), ports: [{ port: 9376, protocol: "TCP" }] }],
      "10.0.0.1:9376,10.0.0.2:9376,10.0.0.3:9376 + 1 more...",
    ],
  ])("subsets %j print as %j", (subsets, text) => {
    expect(formatEndpoints({ metadata: { name: "e" }, subsets } as unknown as Endpoints)).toBe(text);
  });
});

describe("yaml and json printers", () => {
  it("sorts keys, keeps sequences at their key's indentation and quotes what would read back as another type", () => {
    const yaml = toYaml({ spec: { ports: [{ port: 80, name: "http" }], selector: { run: "x" } }, metadata: { resourceVersion: "12", creationTimestamp: "2026-01-01T00:00:00Z", labels: { on: "yes" } }, status: { loadBalancer: {} }, list: [] });
    expect(yaml).toBe(
      'list: []\nmetadata:\n  creationTimestamp: "2026-01-01T00:00:00Z"\n  labels:\n    "on": "yes"\n  resourceVersion: "12"\nspec:\n  ports:\n  - name: http\n    port: 80\n  selector:\n    run: x\nstatus:\n  loadBalancer: {}\n',
    );
  });

  it.each([
    ["nginx", "nginx"], ["", '""'], ["3600", '"3600"'], ["true", '"true"'], ["y", '"y"'], ["1.5", '"1.5"'],
    [".", "."], [".5", '".5"'], ["1.", '"1."'],
    ["*", "'*'"], ["a: b", "'a: b'"], ["- x", "'- x'"], ["-x", "-x"], ["it's #1", "'it''s #1'"], ["it's", "it's"], ["a #b", "'a #b'"],
  ])("writes the string %j as %s", (value, text) => {
    expect(yamlScalar(value)).toBe(text);
  });

  it("indents JSON by four spaces with sorted keys", () => {
    expect(toJson({ b: 1, a: [], c: { d: "<x>" } })).toBe('{\n    "a": [],\n    "b": 1,\n    "c": {\n        "d": "\\u003cx\\u003e"\n    }\n}\n');
  });
});

describe("jsonpath", () => {
  const data = { items: [{ metadata: { name: "a" }, spec: { ports: [{ port: 80 }] } }, { metadata: { name: "b" }, spec: { ports: [] } }] };
  it.each([
    ["{.items[*].metadata.name}", "a b"],
    ["{.items[0].spec.ports[0].port}", "80"],
    ['{range .items[*]}{.metadata.name}{"\\n"}{end}', "a\nb\n"],
    ["{.items[1].missing}", ""],
    ["name={.items[-1].metadata.name}", "name=b"],
    ["{..port}", "80"],
  ])("%s gives %j", (template, output) => {
    expect(runJsonPath(template, data)).toEqual({ ok: true, output });
  });

  it("reports an unclosed action", () => {
    expect(runJsonPath("{.items", data).ok).toBe(false);
  });
});
