// Whether the visitor asked the system for less motion: then the route is drawn whole, on its last
// hop, with no moving packet and no steps that advance by themselves (WCAG 2.3.3).
export function reducedMotion(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
}
