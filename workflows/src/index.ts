export { trancheWorkflow } from './tranche.workflow';
