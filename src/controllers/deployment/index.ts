// The Deployment controller's descriptor for the controller-manager (see controller.ts).
import type { ControllerDescriptor } from '../context.ts';
import { DeploymentController } from './controller.ts';

export const deploymentController: ControllerDescriptor = {
  name: 'deployment',
  start(context) {
    const c = new DeploymentController(context);
    c.start();
    return { stop: () => c.stop() };
  },
};
