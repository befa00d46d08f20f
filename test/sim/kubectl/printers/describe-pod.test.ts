// kubectl describe pod: the container's IDs as describeContainerBasicInfo prints them.

import { describe, expect, it } from "vitest";
import { simTerminal } from "../../console.ts";

describe("describe pod, container IDs", () => {
  it("prints empty Container ID and Image ID lines while the image cannot be pulled", () => {
    const term = simTerminal(7);
    term("kubectl run bad --image=nginxx");
    const { output } = term("kubectl describe pod bad");
    expect(output).toMatch(/\n {2}bad:\n {4}Container ID: +\n {4}Image: +nginxx\n {4}Image ID: +\n {4}Port: +<none>\n/);
  });

  it("prints the runtime's IDs once the container runs", () => {
    const term = simTerminal(7);
    term("kubectl run web --image=nginx");
    for (let i = 0; i < 10; i++) term("true");
    const { output } = term("kubectl describe pod web");
    expect(output).toMatch(/\n {4}Container ID: +containerd:\/\/[0-9a-f]{64}\n {4}Image: +nginx\n {4}Image ID: +\S+@sha256:[0-9a-f]{64}\n/);
  });
});

describe("describe pod, environment", () => {
  it("shows envFrom sources and references as kubectl does, never the Secret's value", () => {
    const term = simTerminal(8);
    term("kubectl create secret generic db --from-literal=password=s3cret");
    term(`kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: busybox
    command: ["sleep", "infinity"]
    envFrom:
    - configMapRef: {name: settings, optional: true}
    - secretRef: {name: db}
      prefix: DB_
    env:
    - name: GREETING
      value: "hello\\nworld"
    - name: PASSWORD
      valueFrom:
        secretKeyRef: {name: db, key: password}
    - name: MODE
      valueFrom:
        configMapKeyRef: {name: settings, key: mode, optional: true}
    - name: ME
      valueFrom:
        fieldRef: {fieldPath: metadata.name}
EOF`);
    const { output } = term("kubectl describe pod app");
    expect(output).toContain(
      [
        "    Environment Variables from:",
        "      settings  ConfigMap                 Optional: true",
        "      db        Secret with prefix 'DB_'  Optional: false",
        "    Environment:",
        "      GREETING:  hello",
        "                 world",
        "      PASSWORD:  <set to the key 'password' in secret 'db'>        Optional: false",
        "      MODE:      <set to the key 'mode' of config map 'settings'>  Optional: true",
        "      ME:        app (v1:metadata.name)",
      ].join("\n"),
    );
    expect(output).not.toContain("s3cret");
  });
});
