// Settings the Worker reads from its environment ([vars] in wrangler.toml), with safe defaults
// when a value is missing or not a positive number.

import type { RateLimitConfig } from "./session/rate-limit.ts";

export interface Settings {
  maxObjects: number;
  commandRate: RateLimitConfig;
  /** Per session, what anyone may do without its key (snapshots, proxy requests): its own bucket. */
  keylessRate: RateLimitConfig;
  /** Lesson uploads per client address: the per-minute figure, as a bucket with that burst. */
  lessonUploadRate: RateLimitConfig;
  /** New sessions per client address. */
  sessionCreateRate: RateLimitConfig;
  /** Live sockets opened per client address, across sessions: the per-minute figure, as a bucket with that burst. */
  liveOpenRate: RateLimitConfig;
  /** Classes created per client address: the per-hour figure, as a bucket with that burst. */
  classCreateRate: RateLimitConfig;
}

export interface SettingsEnv {
  MAX_OBJECTS?: string;
  COMMAND_RATE_PER_SECOND?: string;
  COMMAND_BURST?: string;
  KEYLESS_RATE_PER_SECOND?: string;
  KEYLESS_BURST?: string;
  LESSON_UPLOADS_PER_MINUTE?: string;
  SESSION_CREATE_BURST?: string;
  SESSION_CREATES_PER_MINUTE?: string;
  LIVE_OPENS_PER_MINUTE?: string;
  CLASS_CREATES_PER_HOUR?: string;
}

export function readSettings(env: SettingsEnv): Settings {
  const uploadsPerMinute = positiveInt(env.LESSON_UPLOADS_PER_MINUTE, 10);
  const liveOpensPerMinute = positiveInt(env.LIVE_OPENS_PER_MINUTE, 150);
  const classesPerHour = positiveInt(env.CLASS_CREATES_PER_HOUR, 20);
  return {
    classCreateRate: { ratePerSecond: classesPerHour / 3600, burst: classesPerHour },
    lessonUploadRate: { ratePerSecond: uploadsPerMinute / 60, burst: uploadsPerMinute },
    sessionCreateRate: { ratePerSecond: positiveInt(env.SESSION_CREATES_PER_MINUTE, 60) / 60, burst: positiveInt(env.SESSION_CREATE_BURST, 60) },
    liveOpenRate: { ratePerSecond: liveOpensPerMinute / 60, burst: liveOpensPerMinute },
    maxObjects: positiveInt(env.MAX_OBJECTS, 500),
    keylessRate: { ratePerSecond: positiveInt(env.KEYLESS_RATE_PER_SECOND, 10), burst: positiveInt(env.KEYLESS_BURST, 20) },
    commandRate: {
      ratePerSecond: positiveInt(env.COMMAND_RATE_PER_SECOND, 20),
      burst: positiveInt(env.COMMAND_BURST, 40),
    },
  };
}

function positiveInt(value: string | undefined, fallback: number): number {
  const n = value === undefined ? NaN : Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
