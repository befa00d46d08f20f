// Every kubectl command the playground runs.

import type { Command } from "../command.ts";
import { annotateCommand } from "./annotate.ts";
import { applyCommand } from "./apply.ts";
import { configCommand } from "./config.ts";
import { cpCommand } from "./cp.ts";
import { createCommand } from "./create.ts";
import { deleteCommand } from "./delete.ts";
import { describeCommand } from "./describe.ts";
import { diffCommand } from "./diff.ts";
import { editCommand } from "./edit.ts";
import { cordonCommand, drainCommand, uncordonCommand } from "./drain.ts";
import { execCommand } from "./exec.ts";
import { explainCommand } from "./explain.ts";
import { exposeCommand } from "./expose.ts";
import { getCommand } from "./get.ts";
import { apiResourcesCommand, clusterInfoCommand, versionCommand } from "./info.ts";
import { logsCommand, rolloutCommand, waitCommand } from "./lifecycle.ts";
import { labelCommand, patchCommand, scaleCommand } from "./modify.ts";
import { portForwardCommand } from "./port-forward.ts";
import { replaceCommand } from "./replace.ts";
import { runCommand } from "./run.ts";
import { setCommand } from "./set.ts";
import { taintCommand } from "./taint.ts";

export const commands: Command[] = [
  createCommand,
  exposeCommand,
  runCommand,
  getCommand,
  deleteCommand,
  rolloutCommand,
  scaleCommand,
  clusterInfoCommand,
  describeCommand,
  logsCommand,
  execCommand,
  portForwardCommand,
  cpCommand,
  applyCommand,
  replaceCommand,
  diffCommand,
  editCommand,
  patchCommand,
  waitCommand,
  labelCommand,
  annotateCommand,
  setCommand,
  apiResourcesCommand,
  explainCommand,
  versionCommand,
  configCommand,
  cordonCommand,
  uncordonCommand,
  drainCommand,
  taintCommand,
];
