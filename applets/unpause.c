/* unpause.c - `docker unpause`: the cgroup freezer (core/container_pause.c). */
//applet:unpause
//summary:resume the processes of paused containers
//config:config APPLET_UNPAUSE
//config:	bool "unpause"
//config:	default y
//config:	depends on APPLET_PAUSE
//config:	help
//config:	  Unpause containers with the cgroup freezer, like `docker unpause`.
//usage:CONTAINER...
//usage:Thaw the processes of each paused CONTAINER, as docker unpause does.
//usage:Prints each CONTAINER once it runs again.
//usage:
//usage:      --root DIR     store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

int pause_freeze_main(int argc, char **argv, int freeze);

int unpause_main(int argc, char **argv)
{
	return pause_freeze_main(argc, argv, 0);
}
