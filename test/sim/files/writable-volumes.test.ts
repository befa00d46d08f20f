// Writable volumes: what a container writes under an emptyDir, a hostPath or a claim's mount is
// stored where the volume lives, so it outlives the container (emptyDir: the pod; hostPath and
// local-path claims: the node's directory, where `ssh NODE` sees it).
import { describe, expect, it } from "vitest";
import { simTerminal } from "../console.ts";

const claim = `kubectl apply -f - <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 1Gi
EOF`;

function pod(name: string, volumes: string, mounts: string): string {
  return `kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: c
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts:
${mounts}
  volumes:
${volumes}
EOF`;
}

const claimPod = (name: string, path: string) => pod(name, "  - name: d\n    persistentVolumeClaim:\n      claimName: data", `    - name: d\n      mountPath: ${path}`);

describe("writable volumes", () => {
  it("keep a claim's files for the next pod that mounts it, in local-path's directory on the node", () => {
    const run = simTerminal(3, 1000);
    run(claim);
    run(claimPod("writer", "/data"));
    run("sleep 30");
    expect(run("kubectl exec writer -- sh -c 'echo hello > /data/greeting; ls /data'")).toEqual({ output: "greeting\n", exitCode: 0 });
    run("kubectl delete pod writer --now");
    run(claimPod("reader", "/mnt"));
    run("sleep 30");
    expect(run("kubectl exec reader -- cat /mnt/greeting")).toEqual({ output: "hello\n", exitCode: 0 });
    const node = /\s(node0\d)\s/.exec(run("kubectl get pod reader -o wide").output)![1];
    const dir = run("kubectl get pv -o jsonpath='{.items[0].spec.hostPath.path}'").output;
    expect(dir).toMatch(/^\/opt\/local-path-provisioner\/pvc-[0-9a-f-]+_default_data$/);
    run(`ssh ${node}`);
    expect(run(`cat ${dir}/greeting`).output).toBe("hello\n");
    // local-path's helper pod makes the claim's directory with `mkdir -m 0777 -p`; the file is root's.
    expect(run(`ls -ld ${dir}`).output).toMatch(/^drwxrwxrwx 2 root root /);
    expect(run(`ls -l ${dir}`).output).toMatch(/-rw-r--r-- 1 root root +6 .* greeting\n$/);
  });

  it("share an emptyDir between restarts of the pod's containers and lose it with the pod", () => {
    const run = simTerminal(3, 1000);
    run(pod("e", "  - name: s\n    emptyDir: {}", "    - name: s\n      mountPath: /scratch"));
    run("sleep 20");
    run("kubectl exec e -- sh -c 'echo kept > /scratch/f; echo lost > /tmp/f'");
    // A container's own layer is not the volume: /tmp is the container's, /scratch the pod's.
    expect(run("kubectl exec e -- cat /scratch/f /tmp/f").output).toBe("kept\nlost\n");
    run("kubectl delete pod e --now");
    run(pod("e", "  - name: s\n    emptyDir: {}", "    - name: s\n      mountPath: /scratch"));
    run("sleep 20");
    expect(run("kubectl exec e -- ls /scratch")).toEqual({ output: "", exitCode: 0 });
  });

  it("write a hostPath into the node's directory, made by the kubelet with DirectoryOrCreate", () => {
    const run = simTerminal(3, 1000);
    run(pod("h", "  - name: h\n    hostPath:\n      path: /srv/shared\n      type: DirectoryOrCreate", "    - name: h\n      mountPath: /host"));
    run("sleep 20");
    run("kubectl exec h -- sh -c 'echo from-pod > /host/note'");
    const node = /\s(node0\d)\s/.exec(run("kubectl get pod h -o wide").output)![1];
    run(`ssh ${node}`);
    expect(run("cat /srv/shared/note").output).toBe("from-pod\n");
    expect(run("ls -ld /srv/shared").output).toMatch(/^drwxr-xr-x 2 root root /);
  });

  it("are what nginx serves: an empty claim over its html directory has no index (403), then the file written into it, for the next pod too", () => {
    const run = simTerminal(3, 1000);
    const nginxPod = (name: string) => pod(name, "  - name: d\n    persistentVolumeClaim:\n      claimName: data", "    - name: d\n      mountPath: /usr/share/nginx/html").replace("image: busybox\n    command: [\"sleep\", \"3600\"]", "image: nginx");
    run(claim);
    run(nginxPod("web"));
    run("sleep 30");
    const curl = () => run("kubectl exec web -- curl -s -o /dev/null -w '%{http_code}' http://localhost/").output;
    // The image's index.html is under the mount, so nginx finds no index file and autoindex is off.
    expect(curl()).toBe("403");
    expect(run("kubectl logs web --tail 2").output).toContain('directory index of "/usr/share/nginx/html/" is forbidden');
    run("kubectl exec web -- sh -c 'echo stored > /usr/share/nginx/html/index.html'");
    expect(run("kubectl exec web -- curl -s http://localhost/").output).toBe("stored\n");
    expect(run("kubectl exec web -- curl -s -o /dev/null -w '%{http_code}' http://localhost/50x.html").output).toBe("404");
    run("kubectl delete pod web --now");
    run(nginxPod("web2"));
    run("sleep 30");
    expect(run("kubectl exec web2 -- curl -s http://localhost/").output).toBe("stored\n");
  });

  it("hide what the image had under the mount path, but for the files the kubelet mounts over it", () => {
    const run = simTerminal(3, 1000);
    run(pod("hidden", "  - name: s\n    emptyDir: {}", "    - name: s\n      mountPath: /etc"));
    run("sleep 20");
    expect(run("kubectl exec hidden -- ls /etc")).toEqual({ output: "hostname\nhosts\nresolv.conf\n", exitCode: 0 });
  });
});
