/** `metrics`: port or host:port, loopback unless a host is given; bad values are E_USAGE naming the option. */
import { describe, expect, it } from "vitest";
import { parseEndpoint } from "../../src/options/endpoint.js";
import { resolveOptions } from "../../src/options.js";

describe("parseEndpoint", () => {
  it("a port listens on 127.0.0.1; a host only when given", () => {
    expect(parseEndpoint("--metrics", "9091")).toEqual({ host: "127.0.0.1", port: 9091 });
    expect(parseEndpoint("metrics", 9091)).toEqual({ host: "127.0.0.1", port: 9091 });
    expect(parseEndpoint("--metrics", "0.0.0.0:9091")).toEqual({ host: "0.0.0.0", port: 9091 });
    expect(parseEndpoint("--metrics", "localhost:80")).toEqual({ host: "localhost", port: 80 });
    expect(parseEndpoint("--metrics", "[::1]:9091")).toEqual({ host: "::1", port: 9091 });
    expect(parseEndpoint("--metrics", undefined)).toBeUndefined();
  });

  for (const bad of ["0", "65536", "abc", ":9091", "::1:9091", "a b:1", "9091.5", ""]) {
    it(`"${bad}" is a usage error naming the option`, () => {
      expect(() => parseEndpoint("--metrics", bad)).toThrow(expect.objectContaining({ code: "E_USAGE", message: `--metrics must be a port (1-65535) or host:port, not "${bad}"` }));
    });
  }

  it("the library names its own key", () => {
    expect(() => resolveOptions({ script: "x.js", metrics: "nope" }, 2)).toThrow(/^metrics must be a port/);
    expect(resolveOptions({ script: "x.js" }, 2).metrics).toBeUndefined();
  });
});
