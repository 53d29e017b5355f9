"""Errors as Kestra's API answers them: a 4xx with a message naming what is wrong, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from choreo.engine.control import FlowDisabled, NotFound
from choreo.engine.operations import OperationRefused
from choreo.errors import ChoreoError, FlowInvalid, InputInvalid
from choreo.storage import FileNotFoundInStorage, InvalidPath
from choreo.store.errors import Conflict, InvalidKey, InvalidQuery, InvalidValue
from choreo.store.errors import NotFound as StoreNotFound

log = logging.getLogger("choreo.api")


class ApiError(Exception):
    """An error the API answers with `status` and `message` (raised by route handlers)."""

    def __init__(self, status: int, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found")


def error_body(status: int, message: str, **details: Any) -> JSONResponse:
    return JSONResponse({"message": message, **details}, status_code=status)


def _violations(exc: FlowInvalid) -> list[dict[str, Any]]:
    return [
        {"path": v.path, "message": v.message, "line": v.line, "column": v.column, "severity": v.severity}
        for v in exc.violations
    ]


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_body(exc.status, exc.message, **exc.details)

    @app.exception_handler(FlowInvalid)
    async def flow_invalid(request: Request, exc: FlowInvalid) -> JSONResponse:
        return error_body(422, f"Invalid flow: {exc}", violations=_violations(exc))

    @app.exception_handler(InputInvalid)
    async def input_invalid(request: Request, exc: InputInvalid) -> JSONResponse:
        message = "Invalid inputs: " + "; ".join(exc.problems.values())
        return error_body(422, message, inputs=exc.problems)

    @app.exception_handler(NotFound)
    @app.exception_handler(StoreNotFound)
    @app.exception_handler(FileNotFoundInStorage)
    async def missing(request: Request, exc: Exception) -> JSONResponse:
        return error_body(404, str(exc))

    @app.exception_handler(OperationRefused)
    @app.exception_handler(FlowDisabled)
    @app.exception_handler(Conflict)
    async def conflict(request: Request, exc: Exception) -> JSONResponse:
        return error_body(409, str(exc))

    @app.exception_handler(InvalidPath)
    @app.exception_handler(InvalidKey)
    @app.exception_handler(InvalidQuery)
    @app.exception_handler(InvalidValue)
    async def bad_request(request: Request, exc: Exception) -> JSONResponse:
        return error_body(400, str(exc))

    @app.exception_handler(ChoreoError)
    async def other(request: Request, exc: ChoreoError) -> JSONResponse:
        return error_body(422, str(exc))

    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path"))
            problems.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
        return error_body(400, "Invalid request: " + "; ".join(problems))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return error_body(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return error_body(500, "Internal server error: the failure is in the server log")
