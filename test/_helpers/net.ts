/** Loopback-only network helpers: free ports and plain HTTP requests on fresh connections. */
export { distinctWorkers, freePort, get, type Reply, tryGet } from "./harness/http.mjs";
