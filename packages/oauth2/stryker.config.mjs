import { mutationConfig } from '../../mutation/config.mjs';

// biome-ignore lint/style/noDefaultExport: StrykerJS reads the config from the default export.
export default mutationConfig('oauth2');
