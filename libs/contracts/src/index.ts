export {
  API_PACKAGE,
  API_PROTO_FILES,
  API_SERVICES,
  GOOGLE_PROTO_DIR,
  PROTO_DIR,
  type ApiServiceName,
} from './proto-files.js';
