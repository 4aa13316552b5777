/** @shomei/card — the wire to the card: ISO 7816-4 APDUs, transports (PC/SC), and the JPKI card API. */
export * from './apdu/index.js';
export * from './errors.js';
export * from './iso7816/index.js';
export * from './transport/transport.js';
