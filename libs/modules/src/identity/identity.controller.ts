import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../common/params';
import type { Actor } from '../common/actor';
import { CurrentActor, Public, Roles } from './auth.decorators';
import { CreateOrganizationDto, CreateUserDto, LoginDto } from './dto';
import { IdentityService } from './identity.service';
import { OrganizationsService } from './organizations.service';

@ApiTags('identity')
@Controller('auth')
export class AuthController {
  constructor(private readonly identity: IdentityService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a username and password for a bearer token' })
  login(@Body() dto: LoginDto) {
    return this.identity.login(dto);
  }

  @ApiBearerAuth()
  @Get('me')
  @ApiOperation({ summary: 'The signed-in user and their organization' })
  me(@CurrentActor() actor: Actor) {
    return this.identity.me(actor);
  }
}

@ApiTags('identity')
@ApiBearerAuth()
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  list() {
    return this.organizations.list();
  }

  @Get(':id')
  get(@IdParam() id: string) {
    return this.organizations.get(id);
  }

  @Roles('admin')
  @Post()
  create(@Body() dto: CreateOrganizationDto) {
    return this.organizations.create(dto);
  }
}

@ApiTags('identity')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly identity: IdentityService) {}

  @Get()
  list() {
    return this.identity.listUsers();
  }

  @Post()
  create(@Body() dto: CreateUserDto) {
    return this.identity.createUser(dto);
  }
}
