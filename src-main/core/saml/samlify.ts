// samlify, set up once: the default import (named imports are missing under Node ESM) and its schema validator.
import samlify from 'samlify';
import { schemaProblem } from './schema.ts';

samlify.setSchemaValidator({
  validate: (xml: string) => {
    const problem = schemaProblem(xml);
    return problem === null ? Promise.resolve('SUCCESS_VALIDATE_XML') : Promise.reject(new Error(problem));
  },
});

export { samlify };
