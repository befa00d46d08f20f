// kubernetes.io, "Explore Termination Behavior for Pods And Their Endpoints":
// kubernetes/website content/en/docs/tutorials/services/pods-and-endpoint-termination-flow.md at
// commit eb584d2bfea1ef45b8329e07d42d34f7c318dca0, with its two example files
// (content/en/examples/service/pod-with-graceful-termination.yaml and
// explore-graceful-termination-nginx.yaml). Each command is typed as the page gives it; names the
// learner reads off an earlier output (a pod, a slice) are read the same way.

import { describe, expect, it } from "vitest";
import { learner, matches, missingLines } from "./page-replay.ts";

const POD_WITH_GRACEFUL_TERMINATION = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 1
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 120 # extra long grace period
      containers:
      - name: nginx
        image: nginx:latest
        ports:
        - containerPort: 80
        lifecycle:
          preStop:
            exec:
              # Real life termination may take any time up to terminationGracePeriodSeconds.
              # In this example - just hang around for at least the duration of terminationGracePeriodSeconds,
              # at 120 seconds container will be forcibly terminated.
              # Note, all this time nginx will keep processing requests.
              command: [
                "/bin/sh", "-c", "sleep 180"
              ]
`;

const EXPLORE_GRACEFUL_TERMINATION_NGINX = `apiVersion: v1
kind: Service
metadata:
  name: nginx-service
spec:
  selector:
    app: nginx
  ports:
    - protocol: TCP
      port: 80
      targetPort: 80
`;

const PAGE = {
  getEndpointSlice: `NAME                  ADDRESSTYPE   PORTS   ENDPOINTS                 AGE
nginx-service-6tjbr   IPv4          80      10.12.1.199,10.12.1.201   22m`,
  sliceJson: `{
    "addressType": "IPv4",
    "apiVersion": "discovery.k8s.io/v1",
    "endpoints": [
        {
            "addresses": [
                "10.12.1.201"
            ],
            "conditions": {
                "ready": true,
                "serving": true,
                "terminating": false`,
  getPods: `NAME                                READY   STATUS        RESTARTS      AGE
nginx-deployment-7768647bf9-b4b9s   1/1     Terminating   0             4m1s
nginx-deployment-7768647bf9-rkxlw   1/1     Running       0             8s`,
  terminatingSlice: `{
    "addressType": "IPv4",
    "apiVersion": "discovery.k8s.io/v1",
    "endpoints": [
        {
            "addresses": [
                "10.12.1.201"
            ],
            "conditions": {
                "ready": false,
                "serving": true,
                "terminating": true
            },
            "nodeName": "gke-main-default-pool-dca1511c-d17b",
            "targetRef": {
                "kind": "Pod",
                "name": "nginx-deployment-7768647bf9-b4b9s",
                "namespace": "default",
                "uid": "66fa831c-7eb2-407f-bd2c-f96dfe841478"
            },
            "zone": "us-central1-c"
        },
        {
            "addresses": [
                "10.12.1.202"
            ],
            "conditions": {
                "ready": true,
                "serving": true,
                "terminating": false
            },
            "nodeName": "gke-main-default-pool-dca1511c-d17b",
            "targetRef": {
                "kind": "Pod",
                "name": "nginx-deployment-7768647bf9-rkxlw",
                "namespace": "default",
                "uid": "722b1cbe-dcd7-4ed4-8928-4a4d0e2bbe35"
            },
            "zone": "us-central1-c"`,
};

// The page's cluster is GKE: its nodes carry topology.kubernetes.io/zone, so its endpoints have a
// zone; a kubeadm cluster's nodes have no zone label and its endpoints none.
const GKE_ZONE = [/"zone": /];

describe("kubernetes.io: Explore Termination Behavior for Pods And Their Endpoints", () => {
  const k = learner();
  const steps: Record<string, string> = {};

  it("creates the Deployment and the Service from the page's two files", () => {
    k.type(`cat <<'EOF' > pod-with-graceful-termination.yaml\n${POD_WITH_GRACEFUL_TERMINATION}EOF`);
    k.type(`cat <<'EOF' > explore-graceful-termination-nginx.yaml\n${EXPLORE_GRACEFUL_TERMINATION_NGINX}EOF`);
    expect(k.type("kubectl apply -f pod-with-graceful-termination.yaml").output).toBe("deployment.apps/nginx-deployment created\n");
    expect(k.type("kubectl apply -f explore-graceful-termination-nginx.yaml").output).toBe("service/nginx-service created\n");
    // "Once the Pod and Service are running": the learner waits.
    k.wait(30);
  });

  matches("kubectl get endpointslice", () => {
    const out = k.type("kubectl get endpointslice").output;
    // The default namespace's `kubernetes` slice is listed too; the page left its row out.
    expect(missingLines(out, PAGE.getEndpointSlice)).toEqual([]);
    steps.slice = /^(nginx-service-\w+)\s/m.exec(out)![1];
  });

  matches("kubectl get endpointslices -o json -l kubernetes.io/service-name=nginx-service", () => {
    // With -l kubectl prints a List; the page shows the slice inside it, cut after its first endpoint's conditions.
    expect(missingLines(k.type("kubectl get endpointslices -o json -l kubernetes.io/service-name=nginx-service").output, PAGE.sliceJson)).toEqual([]);
  });

  matches("kubectl delete pod NAME, then kubectl get pods", () => {
    const pod = /^(nginx-deployment-\S+)\s/m.exec(k.type("kubectl get pods").output)![1];
    steps.pod = pod;
    // The page's next output shows the old pod still Terminating 8 s after the delete, so it was
    // taken while `kubectl delete` (which waits for the pod to go, 120 s here) had not returned,
    // from another terminal. In one console the delete runs as a job and waits in the background.
    expect(k.type(`kubectl delete pod ${pod} &`).output).toMatch(new RegExp(`^\\[1\\] \\d+\npod "${pod}" deleted from default namespace\n$`));
    k.wait(7);
    const out = k.type("kubectl get pods").output;
    expect(missingLines(out, PAGE.getPods, { rowsInAnyOrder: true })).toEqual([]);
    expect(out).toMatch(new RegExp(`^${pod}\\s+1/1\\s+Terminating\\s`, "m"));
  });

  matches("kubectl get endpointslice -o json NAME: the old endpoint is still there, terminating and serving", () => {
    const out = k.type(`kubectl get endpointslice -o json ${steps.slice}`).output;
    expect(missingLines(out, PAGE.terminatingSlice, { dropLines: GKE_ZONE })).toEqual([]);
    expect(out).toContain(`"name": "${steps.pod}"`);
  });

  it("removes the old endpoint when the pod is gone, after the 120 s grace period, and the delete job ends", () => {
    k.wait(120);
    // bash notices the job ended while the learner was at the prompt, and reports it after the next command's output.
    const done = k.type(`kubectl get endpointslice -o json ${steps.slice}`).output;
    const report = `[1]+  Done                    kubectl delete pod ${steps.pod}\n`;
    expect(done.endsWith(report)).toBe(true);
    const out = done.slice(0, -report.length);
    expect(out).not.toContain(steps.pod);
    expect(out.match(/"terminating": false/g)).toHaveLength(1);
    expect(k.type(`kubectl get pod ${steps.pod}`).output).toBe(`Error from server (NotFound): pods "${steps.pod}" not found\n`);
  });
});
