/** The dynamic provider of ReplicationCertificateTrust as Pulumi stores it in each resource's state (see ../lazyProvider.ts). */
import * as path from "path";
import { lazyShim } from "../lazyProvider";

export = lazyShim(path.join(__dirname, "../certificateTrustProvider"), { deletes: true });
