// Vite turns imported stylesheets into a <link>; to the compiler they are modules with no exports.
declare module "*.css" {}
