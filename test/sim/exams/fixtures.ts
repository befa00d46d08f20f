// A small exam exercising every part of the format: parameters, a shared setup, a broken start
// state, object, endpoints, file (content, lines, command) and route checks.
export const SMALL_EXAM = `
id: small
title: A small exam
summary: Two tasks.
durationMinutes: 30
parameters:
  ns: { name: team }
  app: { pick: [web, shop, blog] }
  port: { int: [8000, 8099] }
setup:
  - kubectl create namespace {{ns}}
tasks:
  - id: expose
    title: Expose a deployment
    weight: 60
    text: |
      Expose the deployment **{{app}}** in namespace {{ns}} on port {{port}}, and write the
      names of its pods to /opt/course/1/pods.txt.
    setup:
      - kubectl -n {{ns}} create deployment {{app}} --image=nginx --replicas=2
    checks:
      - name: the Service exists with the port
        object: { kind: Service, name: "{{app}}", namespace: "{{ns}}", fields: { "spec.ports[0].port": "{{port}}", "spec.ports[0].targetPort": 80 } }
      - name: the Service has both pods as endpoints
        endpoints: { service: "{{app}}", namespace: "{{ns}}", min: 2 }
      - name: the answer file lists the pods
        file: { path: /opt/course/1/pods.txt, command: "kubectl -n {{ns}} get pods -o name" }
    solution:
      - kubectl -n {{ns}} expose deployment {{app}} --port {{port}} --target-port 80
      - kubectl -n {{ns}} get pods -o name > /opt/course/1/pods.txt
    why: kubectl expose copies the deployment's selector, and --target-port is the port nginx listens on.
  - id: fix
    title: Fix a Service
    weight: 40
    text: The Service api answers nothing. Make it reach its pod.
    setup:
      - kubectl run api --image=nginx --labels=app=api
      - kubectl create service clusterip api --tcp=80:8080
    checks:
      - name: the Service reaches nginx
        route: { url: "http://api.default.svc.cluster.local/", from: { pod: api }, status: 200 }
      - name: the answer file says what was wrong
        file: { path: /opt/course/2/fault.txt, content: "targetPort\\n" }
      - name: the lines file
        file: { path: /opt/course/2/lines.txt, lines: [a, b] }
    solution:
      - "kubectl patch service api -p '{\\"spec\\":{\\"selector\\":{\\"app\\":\\"api\\"},\\"ports\\":[{\\"port\\":80,\\"targetPort\\":80}]}}'"
      - echo targetPort > /opt/course/2/fault.txt
      - printf 'a\\n\\nb\\n' > /opt/course/2/lines.txt
    why: create service clusterip selects app=api but sends to 8080; nginx listens on 80.
`;
