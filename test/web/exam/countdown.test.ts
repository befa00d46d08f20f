import { describe, expect, it } from "vitest";
import { clockAnnouncement, formatClock, spokenTimeLeft } from "../../../web/src/exam/countdown.ts";

describe("the exam's clock", () => {
  it("shows minutes and seconds, and hours only when there are some", () => {
    expect(formatClock(42 * 60 + 7)).toBe("42:07");
    expect(formatClock(59)).toBe("0:59");
    expect(formatClock(3600 + 5 * 60 + 9)).toBe("1:05:09");
    expect(formatClock(-3)).toBe("0:00");
  });

  it("says the time left in words for the timer's name", () => {
    expect(spokenTimeLeft(30 * 60)).toBe("30 minutes left");
    expect(spokenTimeLeft(61)).toBe("2 minutes left");
    expect(spokenTimeLeft(60)).toBe("1 minute left");
    expect(spokenTimeLeft(12)).toBe("Less than a minute left");
    expect(spokenTimeLeft(0)).toBe("Time is up");
  });

  it("announces only when the clock crosses 30, 10, 5 and 1 minutes, and when time is up", () => {
    expect(clockAnnouncement(30 * 60 + 1, 30 * 60)).toBe("30 minutes left");
    expect(clockAnnouncement(30 * 60, 30 * 60 - 1)).toBeNull();
    expect(clockAnnouncement(20 * 60, 20 * 60 - 1)).toBeNull();
    expect(clockAnnouncement(10 * 60 + 1, 10 * 60)).toBe("10 minutes left");
    expect(clockAnnouncement(5 * 60 + 1, 5 * 60)).toBe("5 minutes left");
    expect(clockAnnouncement(61, 60)).toBe("1 minute left");
    expect(clockAnnouncement(1, 0)).toBe("Time is up");
    expect(clockAnnouncement(0, 0)).toBeNull();
  });

  it("says the last threshold crossed when the page slept through several", () => {
    expect(clockAnnouncement(31 * 60, 4 * 60)).toBe("5 minutes left");
  });
});
