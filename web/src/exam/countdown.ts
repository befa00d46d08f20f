// The exam's clock as the page shows and announces it. A screen reader hears the time left only
// when it crosses 30, 10, 5 and 1 minutes: a live region ticking every second would drown the
// console's own announcements.

const ANNOUNCED_MINUTES = [30, 10, 5, 1];

/** `1:05:09`, `42:07`, `0:59`: hours only when there are some. */
export function formatClock(secondsLeft: number): string {
  const s = Math.max(0, Math.ceil(secondsLeft));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

/** Time left in words, for the timer's accessible name: "42 minutes left". */
export function spokenTimeLeft(secondsLeft: number): string {
  const minutes = Math.ceil(Math.max(0, secondsLeft) / 60);
  if (secondsLeft <= 0) return "Time is up";
  if (secondsLeft < 60) return "Less than a minute left";
  return minutes === 1 ? "1 minute left" : `${minutes} minutes left`;
}

/**
 * What to announce when the clock moved from `before` to `now` seconds left: the last threshold
 * crossed in between ("10 minutes left"), "Time is up" on reaching zero, or null.
 */
export function clockAnnouncement(before: number, now: number): string | null {
  if (now >= before) return null;
  if (now <= 0 && before > 0) return "Time is up";
  const crossed = ANNOUNCED_MINUTES.filter((m) => before > m * 60 && now <= m * 60);
  if (!crossed.length) return null;
  const minutes = crossed[crossed.length - 1];
  return minutes === 1 ? "1 minute left" : `${minutes} minutes left`;
}
