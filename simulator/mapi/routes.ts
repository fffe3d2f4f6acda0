import { deleteCertificate, getCertificate, getServerCertificate, listCertificates, uploadCertificate } from "./certificates";
import {
  deleteDirectory,
  deleteTenant,
  getContent,
  getLocalCandidates,
  getRemoteCandidates,
  getSchedule,
  getTenant,
  postSchedule,
  postTenant,
  putDirectory,
  putTenant,
} from "./content";
import { REPLICATION_BASE, type MapiRoute } from "./context";
import { getLink, headLink, listLinks, postLink, putLink, removeLink } from "./links";
import { getService, postService } from "./service";

/** The MAPI replication resources this simulator answers, specific templates first. */
export const MAPI_ROUTES: readonly MapiRoute[] = [
  { template: REPLICATION_BASE, handlers: { GET: getService, POST: postService } },
  { template: `${REPLICATION_BASE}/certificates`, handlers: { GET: listCertificates, PUT: uploadCertificate } },
  { template: `${REPLICATION_BASE}/certificates/server`, handlers: { GET: getServerCertificate } },
  { template: `${REPLICATION_BASE}/certificates/{id}`, handlers: { GET: getCertificate, DELETE: deleteCertificate } },
  { template: `${REPLICATION_BASE}/links`, handlers: { GET: listLinks, PUT: putLink } },
  { template: `${REPLICATION_BASE}/links/{link}`, handlers: { GET: getLink, HEAD: headLink, POST: postLink, DELETE: removeLink } },
  { template: `${REPLICATION_BASE}/links/{link}/content`, handlers: { GET: getContent } },
  {
    template: `${REPLICATION_BASE}/links/{link}/content/tenants/{tenant}`,
    handlers: { GET: getTenant, PUT: putTenant, POST: postTenant, DELETE: deleteTenant },
  },
  { template: `${REPLICATION_BASE}/links/{link}/content/defaultNamespaceDirectories/{directory}`, handlers: { PUT: putDirectory, DELETE: deleteDirectory } },
  { template: `${REPLICATION_BASE}/links/{link}/schedule`, handlers: { GET: getSchedule, POST: postSchedule } },
  { template: `${REPLICATION_BASE}/links/{link}/localCandidates`, handlers: { GET: getLocalCandidates } },
  { template: `${REPLICATION_BASE}/links/{link}/remoteCandidates`, handlers: { GET: getRemoteCandidates } },
];
