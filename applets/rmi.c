/* rmi.c - `docker rmi`: the older name of image rm. */
//applet:rmi
//summary:remove images (image rm)
//config:config APPLET_RMI
//config:	bool "rmi (image rm)"
//config:	default y
//config:	depends on APPLET_IMAGE
//config:	help
//config:	  Docker's `rmi`: the same as `image rm`.
//usage:[-f] [--root DIR] IMAGE...
//usage:Drop each IMAGE's tag; with its last tag the image goes, and the layers
//usage:no other image or container uses. The same as `boxcar image rm`.
//usage:IMAGE is NAME[:TAG] or an image ID (or a unique prefix of one): by ID,
//usage:every tag goes. Refused, naming them, if containers use the image (or,
//usage:by ID, several tags name it), unless -f.
//usage:
//usage:  -f, --force     remove anyway (a container keeps the layers it runs on)
//usage:  --root DIR      store directory (default $BOXCAR_ROOT or the built-in one)

int image_alias_main(const char *sub, int argc, char **argv);

int rmi_main(int argc, char **argv)
{
	return image_alias_main("rm", argc, argv);
}
