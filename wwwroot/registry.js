// The map page's shared object: app.js puts the map, the kinds and its actions here, dashboard.js the page
// state, layers.js its layer controls; each imports this module instead of reaching for a global.
// The browser tests read it the same way: `(await import('/registry.js')).registry`.
/** @type {Record<string, any>} */
export const registry = {};
