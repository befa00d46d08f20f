// What every controller is handed on a pass: the simulated time and the random source.
import type { Random } from "../random.ts";

export interface ControllerContext {
  now: number;
  random: Random;
}
