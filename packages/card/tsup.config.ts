import { nodePackageConfig } from '../../tsup.node.js';

export default nodePackageConfig();
