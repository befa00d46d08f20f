// kubernetes.io, "Connecting Applications with Services":
// kubernetes/website content/en/docs/tutorials/services/connect-applications-service.md at commit
// 0472b54af0861ef430315505d63abd9668207418, with its example files
// content/en/examples/service/networking/run-my-nginx.yaml (7a090ad7363dc8f01a2304c43a0fa3d27b25b540),
// nginx-secure-app.yaml (6ef03d7b2ee2ed72e19467509e800a35efe37a90) and curlpod.yaml
// (109c9d26efeb124501d54a43b07651f688406839). Each command is typed as the page gives it; names the
// learner reads off an earlier output (a pod, an IP) are read the same way.

import { describe, expect, it } from "vitest";
import { environment, environmentDifference, eraDifference, learner, matches, missingLines } from "./page-replay.ts";

const RUN_MY_NGINX = `---
{
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "my-nginx",
  },
  spec: {
    selector: {
      matchLabels: {
        run: "my-nginx",
      },
    },
    replicas: 2,
    template: {
      metadata: {
        labels: {
          run: "my-nginx",
        },
      },
      spec: {
        containers: [{
          name: "my-nginx",
          image: "nginx",
          ports: [{
            containerPort: 80,
          }],
        }],
      },
    },
  },
}
`;

const NGINX_SECURE_APP = `---
{
  apiVersion: "v1",
  kind: "Service",
  metadata: {
    name: "my-nginx",
    labels: {
      run: "my-nginx",
    },
  },
  spec: {
    type: "NodePort",
    ports: [{
      port: 8080,
      targetPort: 80,
      protocol: "TCP",
      name: "http",
    }, {
      port: 443,
      protocol: "TCP",
      name: "https",
    }],
    selector: {
      run: "my-nginx",
    },
  },
}
---
{
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "my-nginx",
  },
  spec: {
    selector: {
      matchLabels: {
        run: "my-nginx",
      },
    },
    replicas: 1,
    template: {
      metadata: {
        labels: {
          run: "my-nginx",
        },
      },
      spec: {
        volumes: [{
          name: "secret-volume",
          secret: {
            secretName: "nginxsecret",
          },
        }, {
          name: "configmap-volume",
          configMap: {
            name: "nginxconfigmap",
          },
        }],
        containers: [{
          name: "nginxhttps",
          image: "bprashanth/nginxhttps:1.0",
          ports: [{
            containerPort: 443,
          }, {
            containerPort: 80,
          }],
          volumeMounts: [{
            mountPath: "/etc/nginx/ssl",
            name: "secret-volume",
          }, {
            mountPath: "/etc/nginx/conf.d",
            name: "configmap-volume",
          }],
        }],
      },
    },
  },
}
`;

const CURLPOD = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: curl-deployment
spec:
  selector:
    matchLabels:
      app: curlpod
  replicas: 1
  template:
    metadata:
      labels:
        app: curlpod
    spec:
      volumes:
      - name: secret-volume
        secret:
          secretName: nginxsecret
      containers:
      - name: curlpod
        command:
        - sh
        - -c
        - while true; do sleep 1; done
        image: docker.io/curlimages/curl:8.18.0
        volumeMounts:
        - mountPath: /etc/nginx/ssl
          name: secret-volume
`;

// The page points to default.conf in kubernetes/examples and prints it in describe's output; the
// learner writes that file.
const DEFAULT_CONF = `server {
        listen 80 default_server;
        listen [::]:80 default_server ipv6only=on;

        listen 443 ssl;

        root /usr/share/nginx/html;
        index index.html;

        server_name localhost;
        ssl_certificate /etc/nginx/ssl/tls.crt;
        ssl_certificate_key /etc/nginx/ssl/tls.key;

        location / {
                try_files $uri $uri/ =404;
        }
}
`;

const PAGE = {
  podsWide: `NAME                        READY     STATUS    RESTARTS   AGE       IP            NODE
my-nginx-3800858182-jr4a2   1/1       Running   0          13s       10.244.3.4    kubernetes-minion-905m
my-nginx-3800858182-kna2y   1/1       Running   0          13s       10.244.2.5    kubernetes-minion-ljyd`,
  podIPs: `    POD_IP
    [map[ip:10.244.3.4]]
    [map[ip:10.244.2.5]]`,
  getSvc: `NAME       TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)   AGE
my-nginx   ClusterIP   10.0.162.149   <none>        80/TCP    21s`,
  describeSvc: `Name:                my-nginx
Namespace:           default
Labels:              run=my-nginx
Annotations:         <none>
Selector:            run=my-nginx
Type:                ClusterIP
IP Family Policy:    SingleStack
IP Families:         IPv4
IP:                  10.0.162.149
IPs:                 10.0.162.149
Port:                <unset> 80/TCP
TargetPort:          80/TCP
Endpoints:           10.244.2.5:80,10.244.3.4:80
Session Affinity:    None
Events:              <none>`,
  slices: `NAME             ADDRESSTYPE   PORTS   ENDPOINTS               AGE
my-nginx-7vzhx   IPv4          80      10.244.2.5,10.244.3.4   21s`,
  envBefore: `KUBERNETES_SERVICE_HOST=10.0.0.1
KUBERNETES_SERVICE_PORT=443
KUBERNETES_SERVICE_PORT_HTTPS=443`,
  podsWideAgain: `NAME                        READY     STATUS    RESTARTS   AGE     IP            NODE
my-nginx-3800858182-e9ihh   1/1       Running   0          5s      10.244.2.7    kubernetes-minion-ljyd
my-nginx-3800858182-j4rm4   1/1       Running   0          5s      10.244.3.8    kubernetes-minion-905m`,
  envAfter: `KUBERNETES_SERVICE_PORT=443
MY_NGINX_SERVICE_HOST=10.0.162.149
KUBERNETES_SERVICE_HOST=10.0.0.1
MY_NGINX_SERVICE_PORT=80
KUBERNETES_SERVICE_PORT_HTTPS=443`,
  kubeDns: `NAME       TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)         AGE
kube-dns   ClusterIP   10.0.0.10    <none>        53/UDP,53/TCP   8m`,
  secretCreated: "secret/nginxsecret created",
  secrets: `NAME                  TYPE                                  DATA      AGE
nginxsecret           kubernetes.io/tls                     2         1m`,
  configMapCreated: "configmap/nginxconfigmap created",
  configMaps: `NAME             DATA   AGE
nginxconfigmap   1      114s`,
  describeConfigMap: `Name:         nginxconfigmap
Namespace:    default
Labels:       <none>
Annotations:  <none>

Data
====
default.conf:
----
${DEFAULT_CONF}
BinaryData
====

Events:  <none>`,
  nodePorts: `  - name: http
    nodePort: 31704
    port: 8080
    protocol: TCP
    targetPort: 80
  - name: https
    nodePort: 32453
    port: 443
    protocol: TCP`,
  loadBalancer: `NAME       TYPE           CLUSTER-IP     EXTERNAL-IP        PORT(S)               AGE`,
  curlPods: `NAME                               READY     STATUS    RESTARTS   AGE
curl-deployment-1515033274-1410r   1/1       Running   0          1m`,
};

const PAGE_NODES = /\bkubernetes-minion-\w+\b/g;

describe("kubernetes.io: Connecting Applications with Services", () => {
  const k = learner();
  const seen: Record<string, string> = {};

  it("creates the Deployment from the page's file", () => {
    k.type(`cat <<'EOF' > run-my-nginx.yaml\n${RUN_MY_NGINX}EOF`);
    expect(k.type("kubectl apply -f ./run-my-nginx.yaml").output).toBe("deployment.apps/my-nginx created\n");
    // The page's pods are 13 s old when it lists them.
    k.wait(12);
  });

  eraDifference("kubectl get pods -l run=my-nginx -o wide", "kubectl 1.11 added the NOMINATED NODE column and 1.12 READINESS GATES", () => {
    const out = k.type("kubectl get pods -l run=my-nginx -o wide").output;
    expect(missingLines(out, PAGE.podsWide, { rowsInAnyOrder: true, olderColumns: true, pageNodes: PAGE_NODES })).toEqual([]);
    expect(out).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m);
    seen.pod = /^(my-nginx-\S+)\s/m.exec(out)![1];
  });

  matches("kubectl get pods -l run=my-nginx -o custom-columns=POD_IP:.status.podIPs", () => {
    const out = k.type("kubectl get pods -l run=my-nginx -o custom-columns=POD_IP:.status.podIPs").output;
    expect(missingLines(out, PAGE.podIPs)).toEqual([]);
  });

  matches("kubectl expose deployment/my-nginx", () => {
    expect(k.type("kubectl expose deployment/my-nginx").output).toBe("service/my-nginx exposed\n");
  });

  matches("kubectl get svc my-nginx", () => {
    const out = k.type("kubectl get svc my-nginx").output;
    expect(missingLines(out, PAGE.getSvc)).toEqual([]);
    seen.clusterIP = /^my-nginx\s+ClusterIP\s+(\S+)/m.exec(out)![1];
  });

  eraDifference(
    "kubectl describe svc my-nginx",
    "expose copies the Deployment's labels: an extensions/v1beta1 Deployment took them from its template, an apps/v1 one has none",
    () => {
      const out = k.type("kubectl describe svc my-nginx").output;
      expect(missingLines(out, PAGE.describeSvc, { dropLines: [/^Labels:/] })).toEqual([]);
      expect(out).toMatch(/^Labels:\s+<none>$/m);
    },
  );

  matches("kubectl get endpointslices -l kubernetes.io/service-name=my-nginx", () => {
    const out = k.type("kubectl get endpointslices -l kubernetes.io/service-name=my-nginx").output;
    expect(missingLines(out, PAGE.slices)).toEqual([]);
  });

  matches("kubectl exec POD -- printenv | grep SERVICE (pods made before the Service)", () => {
    const out = k.type(`kubectl exec ${seen.pod} -- printenv | grep SERVICE`).output;
    expect(missingLines(out, PAGE.envBefore, { anyOrder: true })).toEqual([]);
    expect(out).not.toContain("MY_NGINX");
  });

  eraDifference("kubectl scale ... --replicas=0; kubectl scale ... --replicas=2; kubectl get pods -l run=my-nginx -o wide", "kubectl 1.11 added the NOMINATED NODE column and 1.12 READINESS GATES", () => {
    expect(k.type("kubectl scale deployment my-nginx --replicas=0; kubectl scale deployment my-nginx --replicas=2;").output).toBe(
      "deployment.apps/my-nginx scaled\ndeployment.apps/my-nginx scaled\n",
    );
    k.wait(4);
    const out = k.type("kubectl get pods -l run=my-nginx -o wide").output;
    expect(missingLines(out, PAGE.podsWideAgain, { rowsInAnyOrder: true, olderColumns: true, pageNodes: PAGE_NODES })).toEqual([]);
    const pod = /^(my-nginx-\S+)\s/m.exec(out)![1];
    expect(pod).not.toBe(seen.pod);
    seen.pod = pod;
  });

  matches("kubectl exec POD -- printenv | grep SERVICE (pods made after the Service)", () => {
    const out = k.type(`kubectl exec ${seen.pod} -- printenv | grep SERVICE`).output;
    expect(missingLines(out, PAGE.envAfter, { anyOrder: true })).toEqual([]);
    expect(out).toContain(`MY_NGINX_SERVICE_HOST=${seen.clusterIP}\n`);
  });

  eraDifference("kubectl get services kube-dns --namespace=kube-system", "CoreDNS's kube-dns Service also lists its metrics port, 9153/TCP", () => {
    const out = k.type("kubectl get services kube-dns --namespace=kube-system").output;
    expect(missingLines(out, PAGE.kubeDns.replace("53/UDP,53/TCP  ", "53/UDP,53/TCP,9153/TCP"))).toEqual([]);
  });

  eraDifference(
    "kubectl run -i --tty --image busybox:1.37 dns-test --restart=Never --rm",
    "kubectl attaches and prints 'If you don't see a command prompt' where an old one printed 'Waiting for pod ... Hit enter for command prompt'",
    () => {
      const out = k.type("kubectl run -i --tty --image busybox:1.37 dns-test --restart=Never --rm").output;
      expect(out).toContain("If you don't see a command prompt, try pressing enter.\n");
    },
  );

  eraDifference("nslookup my-nginx", "busybox 1.37's nslookup prints bind's layout where 1.28's printed 'Address 1:'", () => {
    k.type("");
    const out = k.type("nslookup my-nginx").output;
    expect(out).toContain("Server:\t\t10.96.0.10\n");
    expect(out).toContain(`Name:\tmy-nginx.default.svc.cluster.local\nAddress: ${seen.clusterIP}\n`);
    expect(k.type("exit").output).toBe('pod "dns-test" deleted from default namespace\n');
  });

  environment("make keys KEY=/tmp/nginx.key CERT=/tmp/nginx.crt", "needs go, make and a checkout of kubernetes/examples; the page gives the manual steps for when it is not there");

  matches("openssl req -x509 ...; kubectl create secret tls nginxsecret", () => {
    // The page's manual steps write to /d/tmp (Git Bash on Windows); on Linux the learner uses /tmp,
    // as the make route does.
    expect(k.type('openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout /tmp/nginx.key -out /tmp/nginx.crt -subj "/CN=my-nginx/O=my-nginx"').exitCode).toBe(0);
    expect(k.type("kubectl create secret tls nginxsecret --key /tmp/nginx.key --cert /tmp/nginx.crt").output).toBe(`${PAGE.secretCreated}\n`);
  });

  matches("kubectl get secrets", () => {
    expect(missingLines(k.type("kubectl get secrets").output, PAGE.secrets, { olderColumns: true })).toEqual([]);
  });

  matches("kubectl create configmap nginxconfigmap --from-file=default.conf", () => {
    k.type(`cat <<'EOF' > default.conf\n${DEFAULT_CONF}EOF`);
    expect(k.type("kubectl create configmap nginxconfigmap --from-file=default.conf").output).toBe(`${PAGE.configMapCreated}\n`);
  });

  matches("kubectl get configmaps", () => {
    // kube-root-ca.crt is listed too: the page left its row out.
    expect(missingLines(k.type("kubectl get configmaps").output, PAGE.configMaps)).toEqual([]);
  });

  matches("kubectl describe configmap  nginxconfigmap", () => {
    expect(missingLines(k.type("kubectl describe configmap  nginxconfigmap").output, PAGE.describeConfigMap)).toEqual([]);
  });

  it("kubectl delete deployments,svc my-nginx; kubectl create -f ./nginx-secure-app.yaml", () => {
    k.type(`cat <<'EOF' > nginx-secure-app.yaml\n${NGINX_SECURE_APP}EOF`);
    expect(k.type("kubectl delete deployments,svc my-nginx; kubectl create -f ./nginx-secure-app.yaml").output).toBe(
      'deployment.apps "my-nginx" deleted from default namespace\nservice "my-nginx" deleted from default namespace\nservice/my-nginx created\ndeployment.apps/my-nginx created\n',
    );
    k.wait(30);
  });

  matches("kubectl get pods -l run=my-nginx -o custom-columns=POD_IP:.status.podIPs; curl -k https://POD_IP", () => {
    const out = k.type("kubectl get pods -l run=my-nginx -o custom-columns=POD_IP:.status.podIPs").output;
    const ip = /ip:([\d.]+)/.exec(out)![1];
    expect(k.type(`ssh node01 curl -k https://${ip}`).output).toContain("<h1>Welcome to nginx!</h1>");
  });

  matches("kubectl apply -f ./curlpod.yaml; kubectl get pods -l app=curlpod", () => {
    k.type(`cat <<'EOF' > curlpod.yaml\n${CURLPOD}EOF`);
    expect(k.type("kubectl apply -f ./curlpod.yaml").output).toBe("deployment.apps/curl-deployment created\n");
    k.wait(30);
    const out = k.type("kubectl get pods -l app=curlpod").output;
    expect(missingLines(out, PAGE.curlPods, { olderColumns: true })).toEqual([]);
    seen.curlPod = /^(curl-deployment-\S+)\s/m.exec(out)![1];
  });

  matches("kubectl exec CURL_POD -- curl https://my-nginx --cacert /etc/nginx/ssl/tls.crt", () => {
    expect(k.type(`kubectl exec ${seen.curlPod} -- curl https://my-nginx --cacert /etc/nginx/ssl/tls.crt`).output).toContain("<title>Welcome to nginx!</title>");
  });

  eraDifference(
    "kubectl get svc my-nginx -o yaml | grep nodePort -C 5",
    "since Kubernetes 1.20 clusterIPs, internalTrafficPolicy, ipFamilies and ipFamilyPolicy sort between clusterIP and ports, so the five lines before the first nodePort are those",
    () => {
      const out = k.type("kubectl get svc my-nginx -o yaml | grep nodePort -C 5").output;
      expect(missingLines(out, PAGE.nodePorts)).toEqual([]);
      expect(out).toMatch(/^  ipFamilyPolicy: SingleStack\n  ports:\n  - name: http\n    nodePort: \d+\n/m);
    },
  );

  environmentDifference("kubectl get nodes -o yaml | grep ExternalIP -C 1", "the page's GCE nodes have public addresses; a kubeadm cluster's nodes have only an InternalIP", () => {
    const result = k.type("kubectl get nodes -o yaml | grep ExternalIP -C 1");
    expect(result).toEqual({ output: "", exitCode: 1 });
    expect(k.type("kubectl get nodes -o yaml | grep InternalIP -C 1").output).toMatch(/- address: [\d.]+\n\s+type: InternalIP/);
  });

  environment("kubectl edit svc my-nginx", "the editor is the browser console's; the next step makes the same change, type NodePort to LoadBalancer, with kubectl patch");

  eraDifference(
    "kubectl get svc my-nginx",
    "the page's row lists one of the Service's two ports and writes the address as xx.xxx.xxx.xxx; the header is today's",
    () => {
      expect(k.type(`kubectl patch svc my-nginx -p '{"spec":{"type":"LoadBalancer"}}'`).output).toBe("service/my-nginx patched\n");
      k.wait(5);
      const out = k.type("kubectl get svc my-nginx").output;
      expect(missingLines(out, PAGE.loadBalancer)).toEqual([]);
      expect(out).toMatch(/^my-nginx\s+LoadBalancer\s+[\d.]+\s+[\d.]+\s+8080:\d+\/TCP,443:\d+\/TCP\s/m);
    },
  );

  matches("curl https://<EXTERNAL-IP> -k", () => {
    const ip = /^my-nginx\s+LoadBalancer\s+\S+\s+(\S+)/m.exec(k.type("kubectl get svc my-nginx").output)![1];
    expect(k.type(`curl https://${ip} -k`).output).toContain("<title>Welcome to nginx!</title>");
  });

  environmentDifference("kubectl describe service my-nginx", "on AWS the load balancer is an ELB with a host name; MetalLB gives an address", () => {
    expect(k.type("kubectl describe service my-nginx").output).toMatch(/^LoadBalancer Ingress:\s+[\d.]+ \(VIP\)$/m);
  });
});
