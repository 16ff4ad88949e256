# Installs web/'s npm dependencies exactly as the committed lockfile pins them, unless
# node_modules already matches it (npm's own cache makes a fresh install quick).
#   cmake -DWEB_DIR=... -DNPM=... -P npm_ci.cmake
set(stamp "${WEB_DIR}/node_modules/.package-lock.json")
if(EXISTS "${stamp}" AND NOT "${WEB_DIR}/package-lock.json" IS_NEWER_THAN "${stamp}")
  return()
endif()
execute_process(COMMAND "${NPM}" ci --no-audit --no-fund --loglevel=error
                WORKING_DIRECTORY "${WEB_DIR}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm ci failed in ${WEB_DIR} (exit ${rc})")
endif()
