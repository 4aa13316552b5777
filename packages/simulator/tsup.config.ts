import { nodePackageConfig } from '../../tsup.node.js';

// `testing` is the test kit entry (`@shomei/simulator/testing`).
export default nodePackageConfig({ testing: 'src/testing/index.ts' });
