// What a server process gets for one request, and what it gives back.

import type { Pod } from "../../cluster/types.ts";
import type { Endpoint } from "../trace.ts";
import type { HttpRequest, Reply } from "../http.ts";

/** What a proxy's onward request came to: the upstream's reply, or why there was none. */
export type Upstream = { kind: "reply"; reply: Reply; ip: string } | { kind: "refused" | "timed-out" | "not-resolved"; ip?: string };

export interface AppRequest {
  request: HttpRequest;
  /** The peer address the process sees (after any SNAT). */
  client: Endpoint;
  /** The address and port the connection arrived at. */
  local: Endpoint;
  /** The pod whose container runs the process (undefined for a node's own daemons). */
  pod?: Pod;
  /** The server process's arguments (http-echo reads -text from them, agnhost its subcommand). */
  args?: string[];
  /** The image reference the container runs (hello-app and the bootcamp print their version). */
  image?: string;
  /** When the container started (ms): agnhost's `/` prints Go's monotonic reading since then. */
  startedAt?: number;
  /** The host name the process sees (the pod name, or the node name with hostNetwork). */
  hostname: string;
  now: number;
  /** Lines the container has logged so far: nginx numbers its connections (`*N`) from it. */
  logged?: number;
  /**
   * What was written over the container's own file at `path` (files/store.ts): a file's text and
   * mtime, `gone` when it was removed, undefined when the image's file (or none) is there.
   */
  written?(path: string): { data: string; mtime: number } | "gone" | undefined;
  /**
   * For a proxying process (hello-frontend's nginx): opens a connection from its pod to host:port
   * through the cluster's DNS and kube-proxy rules and sends the request.
   */
  proxy?(host: string, port: number, request: HttpRequest): Upstream;
}

export interface AppResult {
  reply: Reply;
  /** Lines the process writes to its container log (nginx's error and access logs), in order, without newlines. */
  log?: string[];
}

export type App = (req: AppRequest) => AppResult;
