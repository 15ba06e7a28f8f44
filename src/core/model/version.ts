/** The extension's version, sent in the User-Agent; a unit test keeps it equal to package.json's. */
export const PRODUCT_VERSION = '0.1.0';

export const USER_AGENT = `oauth2-invoker-vscode/${PRODUCT_VERSION}`;
