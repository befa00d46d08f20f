// pako's inflate-only build (a third of the full one: the header stream here only inflates) ships
// without its own declarations; its Inflate is the full build's.
declare module "pako/browser/inflate" {
  export { Inflate } from "pako";
}
