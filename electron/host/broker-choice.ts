// Which sign-in service this run uses: the deployment file's when the company pinned one (a --broker
// or HOIST_BROKER_URL that names another is an error, never a quiet override), otherwise the one
// given, otherwise none (the embedded local stack). Both pass the trust rules before anything connects.
import { loadDeployment, type LoadedDeployment } from '../engine/deployment/file.js';
import { checkBrokerUrl, sameBroker } from '../engine/net/trust.js';
import { BrokerChangeError } from '../engine/auth/errors.js';

export interface BrokerChoice {
  /** Undefined: run the embedded local stack. */
  brokerUrl?: string;
  deployment?: LoadedDeployment;
}

export function resolveBroker(options: {
  broker?: string | undefined;
  bundledDeploymentFile?: string;
  env?: NodeJS.ProcessEnv;
}): BrokerChoice {
  const loaded = loadDeployment({
    ...(options.env ? { env: options.env } : {}),
    ...(options.bundledDeploymentFile ? { bundledFile: options.bundledDeploymentFile } : {}),
  });
  if (loaded) {
    const pinned = loaded.deployment.brokerUrl;
    if (options.broker !== undefined && !sameBroker(options.broker, pinned)) {
      throw new BrokerChangeError(
        `The sign-in service is set by your organisation (${loaded.file}) to ${pinned}; ${options.broker} cannot replace it. Leave out --broker.`,
      );
    }
    return { brokerUrl: pinned, deployment: loaded };
  }
  if (options.broker !== undefined) checkBrokerUrl(options.broker);
  return options.broker !== undefined ? { brokerUrl: options.broker } : {};
}
