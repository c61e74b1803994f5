import type { SystemPackages } from "../data/system-packages.js";
import type { Diagnoser, Observation } from "../diagnoser.js";
import { resolveSystemPackage } from "../names/system-name.js";

/** protoc's well-known types ship with the protobuf development package, beside the headers. */
const PROTO_INCLUDES: Readonly<Record<string, SystemPackages>> = {
  "google/protobuf/": { debian: "libprotobuf-dev", alpine: "protobuf-dev", rpm: "protobuf-devel" },
};

/** `google/protobuf/timestamp.proto: File not found.` -> `libprotobuf-dev` / `protobuf-dev`. */
export const protocIncludeDiagnoser: Diagnoser = {
  name: "protoc-include",
  kind: "system_package",
  triggers: [".proto: File not found"],
  match(line): Observation | null {
    const match = /(?:^|[\s"'])([\w./-]+\.proto): File not found/.exec(line);
    if (!match) return null;
    return { missing: match[1]!, evidence: [line] };
  },
  resolve(missing, context) {
    if (!missing.startsWith("google/protobuf/")) {
      return {
        fixable: false,
        reason: `'${missing}' is not one of protoc's well-known types: a proto file of the project or of another API, not a system package`,
      };
    }
    return resolveSystemPackage(missing, "protoc include", PROTO_INCLUDES, context);
  },
};
