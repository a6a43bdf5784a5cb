/* tag.c - `docker tag`: the older name of image tag. */
//applet:tag
//summary:give an image another name (image tag)
//config:config APPLET_TAG
//config:	bool "tag (image tag)"
//config:	default y
//config:	depends on APPLET_IMAGE
//config:	help
//config:	  Docker's `tag`: the same as `image tag`.
//usage:[--root DIR] SOURCE TARGET
//usage:Give the image SOURCE (NAME[:TAG], or an image ID) the name TARGET
//usage:(NAME[:TAG]). The same as `boxcar image tag`.
//usage:
//usage:  --root DIR      store directory (default $BOXCAR_ROOT or the built-in one)

int image_alias_main(const char *sub, int argc, char **argv);

int tag_main(int argc, char **argv)
{
	return image_alias_main("tag", argc, argv);
}
