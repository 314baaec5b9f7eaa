export * from './auth.decorators';
export * from './identity.module';
export * from './identity.service';
export * from './organizations.service';
export * from './organization.entity';
export * from './user.entity';
export * from './password';
export * from './dto';
