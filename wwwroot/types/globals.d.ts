// For the type check (jsconfig.json) only: the classic scripts the pages load before their modules (Leaflet,
// Chart.js) are globals of the browser; no module of ours sets a global.
interface Window {
  L: any;
  Chart: any;
}
