import { Module } from '@nestjs/common';
import { FeelEvaluator } from './feel-evaluator.service';

/** Rule-expression evaluation under a time and memory budget (a worker-thread pool, one per app). */
@Module({ providers: [FeelEvaluator], exports: [FeelEvaluator] })
export class ExpressionsModule {}
