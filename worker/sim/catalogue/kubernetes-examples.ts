// Generated from the published files (kubernetes/website content/en/examples, served at https://kubernetes.io/examples/ and https://k8s.io/examples/), byte for byte: do not edit by hand.
// Each entry names its source and version.
import type { CatalogueFile } from "./types.ts";

export const files: readonly CatalogueFile[] = [
  {
    url: "https://kubernetes.io/examples/application/deployment.yaml",
    source: "kubernetes/website content/en/examples/application/deployment.yaml",
    version: "commit 8be25924fa58a7ca47d8ef2cee52538c5e948b7f",
    text: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx-deployment\nspec:\n  selector:\n    matchLabels:\n      app: nginx\n  replicas: 2 # tells deployment to run 2 pods matching the template\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.14.2\n        ports:\n        - containerPort: 80\n",
  },
  {
    url: "https://kubernetes.io/examples/service/load-balancer-example.yaml",
    source: "kubernetes/website content/en/examples/service/load-balancer-example.yaml",
    version: "commit 3842a2847339fe9ad1013653ef81c9aa0f77b639",
    text: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app.kubernetes.io/name: load-balancer-example\n  name: hello-world\nspec:\n  replicas: 5\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: load-balancer-example\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: load-balancer-example\n    spec:\n      containers:\n      - image: gcr.io/google-samples/hello-app:2.0\n        name: hello-world\n        ports:\n        - containerPort: 8080\n",
  },
  {
    url: "https://kubernetes.io/examples/service/access/hello-application.yaml",
    source: "kubernetes/website content/en/examples/service/access/hello-application.yaml",
    version: "commit 7a090ad7363dc8f01a2304c43a0fa3d27b25b540",
    text: "---\n{\n  apiVersion: \"apps/v1\",\n  kind: \"Deployment\",\n  metadata: {\n    name: \"hello-world\",\n  },\n  spec: {\n    selector: {\n      matchLabels: {\n        run: \"load-balancer-example\",\n      },\n    },\n    replicas: 2,\n    template: {\n      metadata: {\n        labels: {\n          run: \"load-balancer-example\",\n        },\n      },\n      spec: {\n        containers: [{\n          name: \"hello-world\",\n          image: \"us-docker.pkg.dev/google-samples/containers/gke/hello-app:2.0\",\n          ports: [{\n            containerPort: 8080,\n            protocol: \"TCP\",\n          }],\n        }],\n      },\n    },\n  },\n}\n",
  },
  {
    url: "https://kubernetes.io/examples/service/access/backend-deployment.yaml",
    source: "kubernetes/website content/en/examples/service/access/backend-deployment.yaml",
    version: "commit 3389c10e6a8eb36cadbfe89cdb28acd00b020388",
    text: "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: backend\nspec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: hello\n      tier: backend\n      track: stable\n  replicas: 3\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: hello\n        tier: backend\n        track: stable\n    spec:\n      containers:\n        - name: hello\n          image: \"gcr.io/google-samples/hello-go-gke:1.0\"\n          ports:\n            - name: http\n              containerPort: 80\n...",
  },
  {
    url: "https://kubernetes.io/examples/service/access/backend-service.yaml",
    source: "kubernetes/website content/en/examples/service/access/backend-service.yaml",
    version: "commit 5e84d3b4b8b38cc88aaf88d4a94d64e1648abec1",
    text: "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: hello\nspec:\n  selector:\n    app.kubernetes.io/name: hello\n    tier: backend\n  ports:\n  - protocol: TCP\n    port: 80\n    targetPort: http\n...",
  },
  {
    url: "https://kubernetes.io/examples/service/access/frontend-deployment.yaml",
    source: "kubernetes/website content/en/examples/service/access/frontend-deployment.yaml",
    version: "commit 55a786f130dbc992fb9fd18d15aad4ddba195ddf",
    text: "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: frontend\nspec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: hello\n      tier: frontend\n      track: stable\n  replicas: 1\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: hello\n        tier: frontend\n        track: stable\n    spec:\n      containers:\n        - name: nginx\n          image: \"gcr.io/google-samples/hello-frontend:1.0\"\n          lifecycle:\n            preStop:\n              exec:\n                command: [\"/usr/sbin/nginx\",\"-s\",\"quit\"]\n...",
  },
  {
    url: "https://kubernetes.io/examples/service/access/frontend-service.yaml",
    source: "kubernetes/website content/en/examples/service/access/frontend-service.yaml",
    version: "commit 3389c10e6a8eb36cadbfe89cdb28acd00b020388",
    text: "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: frontend\nspec:\n  selector:\n    app.kubernetes.io/name: hello\n    tier: frontend\n  ports:\n  - protocol: \"TCP\"\n    port: 80\n    targetPort: 80\n  type: LoadBalancer\n...",
  },
  {
    url: "https://kubernetes.io/examples/service/networking/minimal-ingress.yaml",
    source: "kubernetes/website content/en/examples/service/networking/minimal-ingress.yaml",
    version: "commit 01a801ef0e36cf664d916bb89ef59ce805a25ff1",
    text: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: minimal-ingress\nspec:\n  ingressClassName: nginx-example\n  rules:\n  - http:\n      paths:\n      - path: /testpath\n        pathType: Prefix\n        backend:\n          service:\n            name: test\n            port:\n              number: 80\n",
  },
  {
    url: "https://kubernetes.io/examples/pods/probe/exec-liveness.yaml",
    source: "kubernetes/website content/en/examples/pods/probe/exec-liveness.yaml",
    version: "commit 7a090ad7363dc8f01a2304c43a0fa3d27b25b540",
    text: "---\n{\n  apiVersion: \"v1\",\n  kind: \"Pod\",\n  metadata: {\n    labels: {\n      test: \"liveness\",\n    },\n    name: \"liveness-exec\",\n  },\n  spec: {\n    containers: [{\n      name: \"liveness\",\n      image: \"registry.k8s.io/busybox:1.27.2\",\n      args: [\n        \"/bin/sh\",\n        \"-c\",\n        \"touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600\",\n      ],\n      livenessProbe: {\n        exec: {\n          command: [\n            \"cat\",\n            \"/tmp/healthy\",\n          ],\n        },\n        initialDelaySeconds: 5,\n        periodSeconds: 5,\n      },\n    }],\n  },\n}\n",
  },
  {
    url: "https://kubernetes.io/examples/pods/probe/http-liveness.yaml",
    source: "kubernetes/website content/en/examples/pods/probe/http-liveness.yaml",
    version: "commit 7a090ad7363dc8f01a2304c43a0fa3d27b25b540",
    text: "---\n{\n  apiVersion: \"v1\",\n  kind: \"Pod\",\n  metadata: {\n    labels: {\n      test: \"liveness\",\n    },\n    name: \"liveness-http\",\n  },\n  spec: {\n    containers: [{\n      name: \"liveness\",\n      image: \"registry.k8s.io/e2e-test-images/agnhost:2.40\",\n      args: [\n        \"liveness\",\n      ],\n      livenessProbe: {\n        httpGet: {\n          path: \"/healthz\",\n          port: 8080,\n          httpHeaders: [{\n            name: \"Custom-Header\",\n            value: \"Awesome\",\n          }],\n        },\n        initialDelaySeconds: 3,\n        periodSeconds: 3,\n      },\n    }],\n  },\n}\n",
  },
  {
    url: "https://kubernetes.io/examples/pods/probe/tcp-liveness-readiness.yaml",
    source: "kubernetes/website content/en/examples/pods/probe/tcp-liveness-readiness.yaml",
    version: "commit 3389c10e6a8eb36cadbfe89cdb28acd00b020388",
    text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: goproxy\n  labels:\n    app.kubernetes.io/name: goproxy\nspec:\n  containers:\n  - name: goproxy\n    image: registry.k8s.io/goproxy:0.1\n    ports:\n    - containerPort: 8080\n    readinessProbe:\n      tcpSocket:\n        port: 8080\n      initialDelaySeconds: 15\n      periodSeconds: 10\n    livenessProbe:\n      tcpSocket:\n        port: 8080\n      initialDelaySeconds: 15\n      periodSeconds: 10\n",
  },
];
