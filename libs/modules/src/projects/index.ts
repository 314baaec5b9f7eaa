export * from './portfolio.entity';
export * from './project.entity';
export * from './project-agency.entity';
export * from './projects.module';
export * from './projects.service';
export * from './portfolios.service';
export * from './project-writes.service';
export * from './dto';
