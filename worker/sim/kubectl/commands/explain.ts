// kubectl explain TYPE[.FIELD...] [--recursive] [--api-version=GROUP/VERSION]: the documentation
// of a kind's fields, read from the same OpenAPI v3 documents the session's API serves at
// /openapi/v3, and printed by kubectl's plaintext template (explain/render.ts).

import { openApiPath, openApiV3Document } from "../../explain/openapi.ts";
import { renderExplain } from "../../explain/render.ts";
import type { Command } from "../command.ts";
import { fail } from "../context.ts";
import { lookupResource } from "../resources.ts";

/** Characters that make the argument more than a JSONPath of field names (`pods[0]`, `{.x}`). */
const NOT_A_FIELD_PATH = /[[\]{}()*@$?,'"\\|]/;

export const explainCommand: Command = {
  name: "explain",
  short: "Get documentation for a resource",
  long: `Describe fields and structure of various resources.

 This command describes the fields associated with each supported API resource. Fields are identified via a simple JSONPath identifier:

        TYPE.FIELDNAME[.FIELDNAME]

 Information about each field is retrieved from the server in OpenAPI format.

Use "kubectl api-resources" for a complete list of supported resources.`,
  usage: "explain TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group] [-o|--output=plaintext|plaintext-openapiv2]",
  examples: `  # Get the documentation of the resource and its fields
  kubectl explain pods

  # Get all the fields in the resource
  kubectl explain pods --recursive

  # Get the explanation for deployment in supported api versions
  kubectl explain deployments --api-version=apps/v1

  # Get the documentation of a specific field of a resource
  kubectl explain pods.spec.containers`,
  flags: [
    { name: "api-version", type: "string", usage: "Use given api-version (group/version) of the resource." },
    { name: "recursive", type: "bool", usage: "When true, print the name of all the fields recursively. Otherwise, print the available fields with their description." },
    { name: "output", short: "o", type: "string", defaultValue: "plaintext", usage: "Format in which to render the schema. Valid values are: (plaintext, plaintext-openapiv2)." },
  ],
  run: (k, flags) => {
    if (flags.args.length === 0) return fail(k, `error: You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.\n`);
    if (flags.args.length > 1) return fail(k, "error: We accept only this format: explain RESOURCE\n");
    const output = flags.string("output");
    // The v2 format reads the protobuf /openapi/v2, which the playground's API does not serve.
    if (output === "plaintext-openapiv2") return fail(k, "error: the playground's API serves /openapi/v2 as JSON only, which kubectl's plaintext-openapiv2 cannot read; use plaintext");
    if (output !== "plaintext") return fail(k, `error: unrecognized format: ${output}`);
    // explain.SplitAndParseResourceRequest*: kubectl parses the argument as a JSONPath of fields.
    const argument = flags.args[0].endsWith(".") ? flags.args[0].slice(0, -1) : flags.args[0];
    if (NOT_A_FIELD_PATH.test(argument) || argument.startsWith(".")) return fail(k, "error: invalid jsonpath syntax, first node must be field node");
    const [resourceWord, ...rest] = argument.split(".");
    const found = lookupResource(resourceWord, k.ctx.tx.state);
    if (!found.ok) {
      // explain prints the mapper's NoResourceMatch as it is, without cmdutil's "error: ".
      return fail(k, found.error.startsWith("error: the server doesn't") ? found.error.slice("error: ".length) : found.error);
    }
    const type = found.type;
    let group = type.group;
    let version = type.version;
    let fieldPath = rest;
    if (flags.changed("api-version")) {
      const apiVersion = flags.string("api-version");
      const parts = apiVersion.split("/");
      if (parts.length > 2) return fail(k, `error: unexpected GroupVersion string: ${apiVersion}`);
      if (apiVersion !== "") [group, version] = parts.length === 2 ? [parts[0], parts[1]] : ["", parts[0]];
    } else {
      // With the group spelled out (deployments.apps.spec), the fields start after it.
      const groupResource = type.group === "" ? type.name : `${type.name}.${type.group}`;
      if (argument.startsWith(groupResource)) fieldPath = argument.slice(groupResource.length).split(".").slice(1);
    }
    const document = openApiV3Document(openApiPath(group, version));
    if (!document) return fail(k, `error: couldn't find resource for "${group}/${version}, Resource=${type.name}"`);
    const result = renderExplain(document, { group, version, resource: type.name, fieldPath, recursive: flags.bool("recursive") });
    if (result.ok) {
      k.out(result.text);
      return 0;
    }
    // The template writes KIND and VERSION before it finds a field missing.
    if (result.text !== undefined) k.out(result.text);
    return fail(k, result.error);
  },
};
