/**
 * The dynamic provider of SiteCoverage as Pulumi stores it in each resource's state (see ../lazyProvider.ts).
 * No delete: forgetting the resource changes nothing on the systems.
 */
import * as path from "path";
import { lazyShim } from "../lazyProvider";

export = lazyShim(path.join(__dirname, "../siteCoverageProvider"), { deletes: false });
