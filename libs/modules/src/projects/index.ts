export * from './portfolio.entity';
export * from './project.entity';
export * from './project-agency.entity';
export * from './projects.module';
export * from './projects.service';
export * from './dto';
