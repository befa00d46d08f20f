// What is particular to one kind of object, in one place: the shape of Kubernetes' generic
// registry (apiserver pkg/registry/<group>/<resource>/strategy.go) joined with what kubectl knows
// about the kind (discovery names, its table handler in printers.go, its describer).
import type { ApiResult, ApiStatus } from "../cluster/api-status.ts";
import type { EventObject } from "../cluster/events.ts";
import type { StoredCollection } from "../cluster/store.ts";
import type { Tx } from "../cluster/tx.ts";
import type { ClusterState, KubeObject, ObjectMeta, SubmittedObject } from "../cluster/types.ts";
import type { AnyObject, TableDefinition } from "../kubectl/printers/tables.ts";
import type { Random } from "../random.ts";

export interface ApiContext {
  now: number;
  random: Random;
  /** DeleteOptions.gracePeriodSeconds of a delete request, when it gives one. */
  gracePeriodSeconds?: number;
}

export type Built = { ok: true; obj: KubeObject } | { ok: false; status: ApiStatus };

/** Where a kind's objects live. */
export type KindStorage =
  /** A collection of ClusterState keyed by `namespace/name` (or name when cluster-scoped). */
  | { collection: StoredCollection }
  /** The generic store (ClusterState.objects) under its resource name. */
  | { resource: string }
  /** Computed from other objects on every read (Endpoints, EndpointSlices, Events). */
  | { derived: { get(state: ClusterState, namespace: string, name: string): AnyObject | undefined; list(state: ClusterState, namespace: string | undefined): AnyObject[] } };

/** The server's part of a kind: what it validates, defaults and sets (RESTCreateStrategy/RESTUpdateStrategy). */
export interface KindStrategy {
  /** ValidateObjectMeta's name check for this kind (DNS-1123 subdomain unless said otherwise). */
  validateName(name: string): string[];
  /**
   * PrepareForCreate/PrepareForUpdate, Validate and defaulting in one: the object to store from
   * what the client sent. `meta` is the server's metadata (uid, timestamps, labels already set);
   * `old` is the stored object on update.
   */
  build(tx: Tx, sub: SubmittedObject, meta: ObjectMeta, ctx: ApiContext, old: KubeObject | undefined): Built;
  /** After a create is stored (a pod gets its kubelet's runtime record). */
  afterCreate?(tx: Tx, key: string, obj: KubeObject, ctx: ApiContext): void;
  /** After an update that changed something is stored. */
  afterUpdate?(tx: Tx, key: string, old: KubeObject, obj: KubeObject, ctx: ApiContext): void;
  /** Deletion when it is not "remove at once" (graceful pods, terminating namespaces, fixed nodes). */
  delete?(tx: Tx, key: string, obj: KubeObject, ctx: ApiContext): ApiResult<KubeObject>;
}

export interface KindDefinition {
  kind: string;
  /** "" for the core group. */
  group: string;
  version: string;
  /** The resource name (`pods`), its singular and the short names discovery lists. */
  plural: string;
  singular: string;
  shortNames: readonly string[];
  /** Discovery categories; `all` is what `kubectl get all` expands to. */
  categories: readonly string[];
  namespaced: boolean;
  /**
   * The CustomResourceDefinition (`plural.group`) that serves the kind: until it is stored the
   * kind is not served (discovery, explain and writes answer as for an unknown type).
   */
  crd?: string;
  /**
   * A cluster that serves the kind without its CRD object: MetalLB's kinds on a cluster built with
   * the metallb profile, whose bootstrap made MetalLB's objects by hand without its CRDs.
   */
  servedWithoutCrd?(state: ClusterState): boolean;
  /**
   * The API server's deprecation warning for the kind's version (a `Warning: 299` header on every
   * request for it, which kubectl prints as `Warning: <text>`).
   */
  deprecationWarning?: string;
  storage: KindStorage;
  /** Absent for kinds only the server's controllers write (read-only to clients here). */
  strategy?: KindStrategy;
  /**
   * Field selectors beyond metadata.name/namespace: the labels the kind's conversion function
   * accepts (pkg/apis/core/v1/conversion.go), older names it maps (`spec.host`), and the values an
   * object offers (strategy.go ToSelectableFields, metadata fields added by the caller).
   */
  fieldSelectors?: { labels: readonly string[]; aliases?: Readonly<Record<string, string>>; values(object: AnyObject): Record<string, string> };
  /** kubectl get's columns (printers.go), normal and -o wide. */
  table: TableDefinition;
  /**
   * The object as a read at `now` finds it, where a status the kubelet reports on its own cadence
   * is derived from the clock instead of being stored on every beat (a Node's heartbeats). Every
   * read applies it, so the console's kubectl and the session's API serve the same object.
   */
  readAt?(object: AnyObject, now: number): AnyObject;
  /** kubectl describe (describe.go): the object and what the describer looks up beside it. */
  describe(state: ClusterState, object: AnyObject, events: readonly EventObject[]): string;
}
