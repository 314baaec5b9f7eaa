import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IdParam } from '../common/params';
import type { Actor } from '../common/actor';
import { AccountsService } from './accounts.service';
import { CurrentActor, Public, Roles } from './auth.decorators';
import {
  AccountRequestDecisionDto,
  AccountRequestQueryDto,
  AccountRequestView,
  AccountView,
  CreateOrganizationDto,
  CreateUserDto,
  LoginDto,
  LoginView,
  MeView,
  OrganizationView,
  PasswordResetView,
  ResetPasswordDto,
  SignedOutView,
  UserView,
} from './dto';
import { IdentityService } from './identity.service';
import { OrganizationsService } from './organizations.service';

@ApiTags('identity')
@Controller('auth')
export class AuthController {
  constructor(private readonly identity: IdentityService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a username and password for a bearer token (rate-limited per username and per address)' })
  login(@Body() dto: LoginDto, @Req() request: FastifyRequest): Promise<LoginView> {
    return this.identity.login(dto, request.ip);
  }

  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(200)
  @ApiOperation({ summary: 'End this token\'s session on every API instance' })
  logout(@CurrentActor() actor: Actor): Promise<SignedOutView> {
    return this.identity.logout(actor);
  }

  @ApiBearerAuth()
  @Get('me')
  @ApiOperation({ summary: 'The signed-in user and their organization' })
  me(@CurrentActor() actor: Actor): Promise<MeView> {
    return this.identity.me(actor);
  }
}

@ApiTags('identity')
@ApiBearerAuth()
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  list(): Promise<OrganizationView[]> {
    return this.organizations.list();
  }

  @Get(':id')
  get(@IdParam() id: string): Promise<OrganizationView> {
    return this.organizations.get(id);
  }

  @Roles('admin')
  @Post()
  create(@Body() dto: CreateOrganizationDto): Promise<OrganizationView> {
    return this.organizations.create(dto);
  }
}

@ApiTags('identity')
@ApiBearerAuth()
@Roles('admin')
@Controller()
export class UsersController {
  constructor(private readonly accounts: AccountsService) {}

  @Get('users')
  list(): Promise<UserView[]> {
    return this.accounts.list();
  }

  @Post('users')
  @ApiOperation({ summary: 'Create a user; a PBO, committee or admin account stays disabled until a second administrator confirms it' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<AccountView> {
    return this.accounts.create(actor, dto);
  }

  @Post('users/:id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a user: every session ends at once' })
  disable(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<AccountView> {
    return this.accounts.disable(actor, id);
  }

  @Post('users/:id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a disabled user (not one whose role waits for confirmation)' })
  enable(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<AccountView> {
    return this.accounts.enable(actor, id);
  }

  @Post('users/:id/password')
  @HttpCode(200)
  @ApiOperation({ summary: "Reset a user's password and end their sessions; for a PBO, committee or admin user it waits for a second administrator" })
  resetPassword(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: ResetPasswordDto): Promise<PasswordResetView> {
    return this.accounts.resetPassword(actor, id, dto.password);
  }

  @Get('account-requests')
  @ApiOperation({ summary: 'Role grants and password resets waiting for (or decided by) a second administrator' })
  requests(@Query() query: AccountRequestQueryDto): Promise<AccountRequestView[]> {
    return this.accounts.requests(query.status);
  }

  @Post('account-requests/:id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm or reject a request (a different administrator from the one who asked)' })
  decide(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: AccountRequestDecisionDto): Promise<AccountRequestView> {
    return this.accounts.decide(actor, id, dto.action, dto.reason);
  }
}
