// Vite bundles the stylesheet a view imports; TypeScript only has to know such imports exist.
declare module '*.css' {}
