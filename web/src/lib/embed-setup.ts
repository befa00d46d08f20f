// What an embed asks the server for, from its URL's query: a lesson, a snapshot, setup commands
// and the cluster's profile; and the id under which the visitor's session is remembered.
import type { ClusterRequest, CreateSessionBody } from "../api/types.ts";

/** `cni=calico&loadBalancer=none&ingress=nginx`: the cluster to build (a snapshot keeps its own). */
function embedCluster(params: URLSearchParams): { cluster?: ClusterRequest; id: string } {
  const cluster: ClusterRequest = {};
  for (const key of ["cni", "loadBalancer", "ingress"] as const) {
    const value = params.get(key);
    if (value) cluster[key] = value;
  }
  const id = Object.entries(cluster).map(([k, v]) => `${k}=${v}`).join("&");
  return id ? { cluster, id: ` [${id}]` } : { id: "" };
}

export function embedSetup(params: URLSearchParams): { embedId: string; body: CreateSessionBody } {
  // `exam=ID&seed=N`: an exam of its own (a seed reproduces the same one for every visitor).
  const exam = params.get("exam");
  if (exam) {
    const seed = params.get("seed");
    // A seed that is not a number goes on as one the server refuses, with its message.
    const drawn = seed === null ? undefined : Number(seed);
    return { embedId: `exam:${exam}` + (drawn !== undefined ? ` seed=${drawn}` : ""), body: drawn !== undefined ? { exam, seed: drawn } : { exam } };
  }
  const snapshot = params.get("snapshot");
  if (!params.get("lesson") && snapshot) return { embedId: `snapshot:${snapshot}`, body: { from: snapshot } };
  // A different cluster is a different session: the profile is part of what the embed remembers.
  const { cluster, id } = embedCluster(params);
  const lesson = params.get("lesson");
  if (lesson) return { embedId: `lesson:${lesson}${id}`, body: cluster ? { lesson, cluster } : { lesson } };
  // setup=cmd&setup=cmd, or one setup= with commands on separate lines.
  const setup = params.getAll("setup").flatMap((s) => s.split("\n")).map((s) => s.trim()).filter(Boolean);
  if (setup.length) return { embedId: `setup:${setup.join("\n")}${id}`, body: cluster ? { setup, cluster } : { setup } };
  return cluster ? { embedId: `blank${id}`, body: { cluster } } : { embedId: "blank", body: {} };
}
