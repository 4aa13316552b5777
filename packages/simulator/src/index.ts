/** @shomei/simulator — a virtual JPKI card and a test issuing authority. */
export {};
